/**
 * A lean HTTP/1.1 keep-alive client over node:net, for plain-http targets of `send` and of forwarding. Measured against undici on the
 * same machine (bench `send`): undici's per-request machinery (dispatch, its parser in WASM, a writev per request)
 * alone kept a sender below half of the load generator; this writes each request as one buffer on a kept-alive
 * socket and parses answers with a small state machine. One request per connection at a time (no pipelining).
 *
 * Answers: Content-Length, chunked (with trailers), or read-until-close bodies; 1xx interim answers skipped;
 * `Connection: close` and HTTP/1.0 answers end the connection after the answer. Failures are the same `Exchange`
 * values the undici path produces (failure.ts kinds): a kept-alive socket the app closed before answering is
 * resent once on a new connection, as exchange.ts does.
 */
import { connect, type Socket } from 'node:net';
import { AbortWatch } from '../core/abort-watch.js';
import { performance } from 'node:perf_hooks';
import type { HeaderList } from '../core/types.js';
import type { Exchange, OutgoingRequest } from './exchange.js';
import { notSent, splitUrl } from './exchange.js';
import { KeptBody } from './kept-body.js';
import { classifyError, type FailureKind } from './failure.js';

export interface H1Options {
  /** Connect timeout per new connection, ms. */
  connectTimeoutMs: number;
  /** Keep at most this many response body bytes (the rest is read and dropped so the connection stays usable). */
  keepBytes: number;
  /** Most connections per origin (default 32); requests beyond wait for a free one. */
  connections?: number;
  /** Idle time after which a kept-alive socket is not reused, when the app gives no `Keep-Alive: timeout` (ms). */
  idleMs?: number;
  clock?: () => number;
}

/** Biggest response head read (status line + headers). */
const MAX_HEAD = 64 * 1024;
/** node:http's default keep-alive timeout is 5 s: stop reusing a second before the app's hint. */
const DEFAULT_IDLE_MS = 4_000;
const HINT_MARGIN_MS = 1_000;

/** Headers the client writes itself, or that undici refuses too (a send must not frame its own body). */
const REFUSED = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
const INVALID_TOKEN = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// eslint-disable-next-line no-control-regex
const INVALID_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/;

class ClientError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
  }
}

/** The request bytes (head + body in one buffer: one write, one syscall), or why it cannot be sent. */
export function encodeRequest(req: OutgoingRequest, path: string, host: string): Buffer | ClientError {
  let head = `${req.method} ${path} HTTP/1.1\r\n`;
  let hasHost = false;
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue; // the real length is written below
    if (REFUSED.has(lower)) return new ClientError(`invalid ${lower} header`, 'failed');
    if (lower === 'connection') {
      const v = value.trim().toLowerCase();
      if (v !== 'close' && v !== 'keep-alive') return new ClientError('invalid connection header', 'failed');
    }
    if (name === '' || INVALID_TOKEN.test(name)) return new ClientError(`invalid header name "${name}"`, 'failed');
    if (INVALID_VALUE.test(value)) return new ClientError(`invalid ${name} header value`, 'failed');
    if (lower === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head = head.replace('\r\n', `\r\nHost: ${host}\r\n`);
  const method = req.method.toUpperCase();
  if (req.body.length > 0 || (method !== 'GET' && method !== 'HEAD')) head += `Content-Length: ${req.body.length}\r\n`;
  head += '\r\n';
  const headLen = Buffer.byteLength(head, 'latin1');
  const out = Buffer.allocUnsafe(headLen + req.body.length);
  out.write(head, 0, 'latin1');
  req.body.copy(out, headLen);
  return out;
}

const enum Framing {
  None,
  Length,
  Chunked,
  UntilClose,
}

const enum Phase {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
}

/** One request on one connection: the parser state and what was collected, settled once. */
class Attempt {
  status: number | null = null;
  headers: HeaderList | null = null;
  readonly body: KeptBody;
  done = false;
  /** Any byte of an answer arrived: the app saw the request, so it is never resent. */
  answered = false;
  timer: NodeJS.Timeout | null = null;
  timedOut = false;
  /** Sent a second time after a kept-alive socket closed under it. */
  resent = false;
  /** Why it was ended from outside (shutdown): never resent, settled with this. */
  stopped: ClientError | null = null;
  onSettle: (() => void) | null = null;

  constructor(
    readonly pool: H1Pool,
    readonly bytes: Buffer,
    readonly head: boolean,
    readonly timeoutMs: number,
    readonly startedAt: number,
    readonly t0: number,
    readonly resolve: (e: Exchange) => void,
    keepBytes: number,
  ) {
    // Copies: the connection's read buffer is reused.
    this.body = new KeptBody(keepBytes, true);
  }

  keep(chunk: Buffer): void {
    this.body.add(chunk);
  }

  settle(error: ClientError | null): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.onSettle?.();
    const status = this.status;
    this.resolve({
      startedAt: this.startedAt,
      durationMs: performance.now() - this.t0,
      status,
      headers: this.headers,
      body: status === null ? null : this.body.bytes(),
      truncated: this.body.truncated,
      error: error ? error.message : null,
      failure: error ? error.kind : null,
    });
  }
}

function onAttemptTimeout(a: Attempt): void {
  a.timedOut = true;
  a.timer = null;
  a.pool.stop(a, new ClientError(`timed out after ${a.timeoutMs}ms`, 'timeout'));
}

/** One kept-alive TCP connection and its response parser. */
class Connection {
  attempt: Attempt | null = null;
  idleSince = 0;
  idleLimitMs: number;
  closed = false;
  connected = false;
  private connectTimer: NodeJS.Timeout | null = null;
  // Parser state.
  private phase = Phase.Head;
  private headBuf: Buffer | null = null;
  private framing = Framing.None;
  private remaining = 0;
  private keepAlive = true;
  private skipBodyless = false;

  readonly socket: Socket;

  constructor(
    readonly pool: H1Pool,
    port: number,
    host: string,
  ) {
    this.idleLimitMs = pool.idleMs;
    // Reads land in the pool's one buffer and go straight to the parser (no stream chunk, no 'data' event per
    // read): it is overwritten by the next read, so whatever is kept is copied.
    this.socket = connect({ port, host, noDelay: true, onread: { buffer: pool.readBuffer, callback: (n, buf) => this.onRead(n, buf) } });
    this.connectTimer = setTimeout(() => this.fail(new ClientError('connect timeout', 'unreachable')), pool.opts.connectTimeoutMs);
    this.socket.once('connect', () => {
      this.connected = true;
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
    });
    this.socket.on('error', (err) => this.fail(this.classify(err)));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => this.onEnd());
  }

  private classify(err: Error): ClientError {
    const a = this.attempt;
    const c = classifyError(err, a !== null && a.answered);
    return new ClientError(c.message, c.kind);
  }

  send(a: Attempt): void {
    this.attempt = a;
    this.phase = Phase.Head;
    this.headBuf = null;
    this.skipBodyless = a.head;
    this.socket.ref();
    this.socket.write(a.bytes);
  }

  /** The peer ended the connection (FIN or close). */
  private onEnd(): void {
    const a = this.attempt;
    if (a && !a.done && this.phase === Phase.Body && this.framing === Framing.UntilClose) {
      // A body delimited by the close: this is its end.
      this.attempt = null;
      this.destroy();
      return a.settle(null);
    }
    this.fail(new ClientError(a?.answered ? 'connection closed before the answer was complete' : 'connection closed by the app before it answered', a?.answered ? 'failed' : 'stale'));
  }

  /** The connection is unusable: settle its attempt (if any) with `err`, and leave the pool. */
  fail(err: ClientError): void {
    const a = this.attempt;
    this.attempt = null;
    this.destroy();
    if (a && !a.done) this.pool.failed(a, err);
  }

  destroy(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.pool.forget(this);
  }

  private onRead(n: number, buf: Uint8Array): boolean {
    this.onData((buf as Buffer).subarray(0, n));
    return true;
  }

  private onData(chunk: Buffer): void {
    const a = this.attempt;
    if (!a || a.done) {
      // Bytes nobody asked for: this connection cannot be trusted with the next request.
      this.destroy();
      return;
    }
    a.answered = true;
    let at = 0;
    while (at < chunk.length && this.attempt === a) {
      switch (this.phase) {
        case Phase.Head:
          at = this.readHead(a, chunk, at);
          break;
        case Phase.Body:
          at = this.readBody(a, chunk, at);
          break;
        case Phase.ChunkSize:
        case Phase.ChunkDataEnd:
        case Phase.Trailers:
          at = this.readChunkLine(a, chunk, at);
          break;
        case Phase.ChunkData: {
          const n = Math.min(this.remaining, chunk.length - at);
          a.keep(chunk.subarray(at, at + n));
          this.remaining -= n;
          at += n;
          if (this.remaining === 0) this.phase = Phase.ChunkDataEnd;
          break;
        }
      }
      if (at < 0) return; // failed
    }
    if (this.attempt === a || this.closed) return;
    // Bytes past the answer (nothing was pipelined) or a closing answer: not reused.
    if (at < chunk.length || !this.keepAlive) this.destroy();
    else this.pool.release(this);
  }

  /** Gather the head; returns the offset after it (or -1 on failure). */
  private readHead(a: Attempt, chunk: Buffer, at: number): number {
    const got = this.gather(chunk, at, '\r\n\r\n', 'response head too large');
    if (typeof got === 'number') return got;
    const { buf, end, next: consumed } = got;
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]!);
    if (!m) return this.bad('invalid HTTP response');
    const status = Number(m[2]);
    const headers: HeaderList = [];
    let length: number | null = null;
    let chunked = false;
    let close = m[1] === '0';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) return this.bad('invalid HTTP response header');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      headers.push([name, value]);
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        if (!/^\d+$/.test(value) || (length !== null && length !== Number(value))) return this.bad('invalid content-length in the answer');
        length = Number(value);
      } else if (lower === 'transfer-encoding') {
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      } else if (lower === 'connection') {
        if (/\bclose\b/i.test(value)) close = true;
        else if (/\bkeep-alive\b/i.test(value)) close = false;
      } else if (lower === 'keep-alive') {
        const t = /\btimeout=(\d+)/i.exec(value);
        if (t) this.idleLimitMs = Math.max(0, Math.min(this.pool.idleMs, Number(t[1]) * 1000 - HINT_MARGIN_MS));
      }
    }
    if (status < 200) {
      if (status === 101) return this.bad('the app switched protocols');
      return consumed; // 100 Continue and friends: the real answer follows
    }
    a.status = status;
    a.headers = headers;
    this.keepAlive = !close;
    if (this.skipBodyless || status === 204 || status === 304) this.framing = Framing.None;
    else if (chunked) this.framing = Framing.Chunked;
    else if (length !== null) this.framing = Framing.Length;
    else this.framing = Framing.UntilClose;
    if (this.framing === Framing.UntilClose) this.keepAlive = false;
    if (this.framing === Framing.None || (this.framing === Framing.Length && length === 0)) {
      this.complete(a);
      return consumed;
    }
    this.remaining = length ?? 0;
    this.phase = this.framing === Framing.Chunked ? Phase.ChunkSize : Phase.Body;
    return consumed;
  }

  private readBody(a: Attempt, chunk: Buffer, at: number): number {
    if (this.framing === Framing.UntilClose) {
      a.keep(chunk.subarray(at));
      return chunk.length;
    }
    const n = Math.min(this.remaining, chunk.length - at);
    a.keep(n === chunk.length && at === 0 ? chunk : chunk.subarray(at, at + n));
    this.remaining -= n;
    if (this.remaining === 0) this.complete(a);
    return at + n;
  }

  /** A chunk-size line, the CRLF after a chunk's data, or a trailer line. */
  private readChunkLine(a: Attempt, chunk: Buffer, at: number): number {
    const got = this.gather(chunk, at, '\r\n', 'invalid chunked answer');
    if (typeof got === 'number') return got;
    const line = got.buf.toString('latin1', 0, got.end);
    const next = got.next;
    switch (this.phase) {
      case Phase.ChunkDataEnd:
        if (line !== '') return this.bad('invalid chunked answer');
        this.phase = Phase.ChunkSize;
        return next;
      case Phase.Trailers:
        // Trailers are read and dropped; an empty line ends the answer.
        if (line === '') this.complete(a);
        return next;
      default: {
        const m = /^([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?$/.exec(line);
        if (!m) return this.bad('invalid chunked answer');
        this.remaining = parseInt(m[1]!, 16);
        this.phase = this.remaining === 0 ? Phase.Trailers : Phase.ChunkData;
        return next;
      }
    }
  }

  /**
   * The bytes from `at` up to `delim`, joined to what earlier reads left (a head or a chunk line may span reads): the
   * joined buffer, where `delim` starts in it, and the offset in `chunk` after it. When `delim` has not come yet, the
   * bytes are kept for the next read and the offset to return is given instead (-1 once past MAX_HEAD: `tooLong`).
   */
  private gather(chunk: Buffer, at: number, delim: string, tooLong: string): { buf: Buffer; end: number; next: number } | number {
    let buf = chunk.subarray(at);
    let offset = 0;
    if (this.headBuf) {
      offset = this.headBuf.length;
      buf = Buffer.concat([this.headBuf, buf]);
    }
    const end = buf.indexOf(delim);
    if (end === -1) {
      if (buf.length > MAX_HEAD) return this.bad(tooLong);
      this.headBuf = this.headBuf ? buf : Buffer.from(buf);
      return chunk.length;
    }
    this.headBuf = null;
    return { buf, end, next: at + end + delim.length - offset };
  }

  private bad(message: string): number {
    this.fail(new ClientError(message, 'failed'));
    return -1;
  }

  /** The answer is whole; onData then decides whether the connection carries another request. */
  private complete(a: Attempt): void {
    this.attempt = null;
    this.phase = Phase.Head;
    a.settle(null);
  }
}

/** Connections to one origin. */
class H1Pool {
  readonly idleMs: number;
  /** Where every connection's reads land (one read is parsed before the next arrives). */
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private readonly all = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private readonly waiting: Attempt[] = [];
  private readonly max: number;
  private closing = false;

  constructor(
    readonly opts: H1Options,
    private readonly port: number,
    private readonly host: string,
  ) {
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.max = opts.connections ?? 32;
  }

  start(a: Attempt): void {
    if (this.closing) return a.settle(new ClientError('hookdev is shutting down', 'failed'));
    a.timer = setTimeout(onAttemptTimeout, a.timeoutMs, a);
    this.dispatch(a);
  }

  private dispatch(a: Attempt): void {
    const now = performance.now();
    // Most recently used first: the one least likely to have been closed by the app meanwhile.
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (now - c.idleSince < c.idleLimitMs && !c.closed) return c.send(a);
      c.destroy();
    }
    if (this.all.size >= this.max) {
      this.waiting.push(a);
      return;
    }
    const c = new Connection(this, this.port, this.host);
    this.all.add(c);
    c.send(a); // written once connected (net buffers writes made while connecting)
  }

  /** An answer completed and the connection may carry the next request. */
  release(c: Connection): void {
    if (this.closing) return c.destroy();
    const next = this.takeWaiting();
    if (next) return c.send(next);
    c.idleSince = performance.now();
    c.socket.unref(); // an idle kept-alive socket never keeps the process alive
    this.idle.push(c);
  }

  private takeWaiting(): Attempt | undefined {
    for (let a = this.waiting.shift(); a; a = this.waiting.shift()) if (!a.done) return a;
    return undefined;
  }

  forget(c: Connection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i !== -1) this.idle.splice(i, 1);
    // A slot is free: a waiting request gets a new connection.
    if (!this.closing && this.waiting.length && this.all.size < this.max) {
      const next = this.takeWaiting();
      if (next) this.dispatch(next);
    }
  }

  /**
   * The connection failed under `a`. A request the app never answered (reset or closed before any byte of an
   * answer: a kept-alive socket it was closing) goes once more, on a new connection.
   */
  failed(a: Attempt, err: ClientError): void {
    if (a.timedOut) return a.settle(new ClientError(`timed out after ${a.timeoutMs}ms`, 'timeout'));
    if (a.stopped) return a.settle(a.stopped);
    if (err.kind === 'stale' && !a.answered && !this.closing && !a.resent) {
      a.resent = true;
      const c = new Connection(this, this.port, this.host);
      this.all.add(c);
      return c.send(a);
    }
    // Twice in a row is no longer an idle-socket race: the app drops the connection.
    a.settle(err.kind === 'stale' && a.resent ? new ClientError(err.message, 'failed') : err);
  }

  /** End one attempt now (its timeout, or a shutdown), on its connection or in the wait queue. */
  stop(a: Attempt, err: ClientError): void {
    if (a.done) return;
    for (const c of this.all) {
      if (c.attempt === a) return c.fail(err);
    }
    const i = this.waiting.indexOf(a);
    if (i !== -1) this.waiting.splice(i, 1);
    a.settle(err);
  }

  close(): void {
    this.closing = true;
    for (const a of this.waiting.splice(0)) a.settle(new ClientError('hookdev is shutting down', 'failed'));
    for (const c of [...this.all]) c.fail(new ClientError('hookdev is shutting down', 'failed'));
  }
}

/** Per request: how much of the answer to keep, and a signal that ends it early (shutdown). */
export interface H1RequestOptions {
  /** Default: the agent's keepBytes. */
  keepBytes?: number;
  signal?: AbortSignal;
}

/** Attempts of each shutdown signal: ended as failed, never resent. */
const aborts = new AbortWatch<Attempt>((a) => {
  const err = new ClientError('hookdev is shutting down', 'failed');
  a.stopped = err;
  a.pool.stop(a, err);
});

/** Kept-alive connections to plain-http origins, one pool per origin. */
export class H1Agent {
  private readonly pools = new Map<string, { pool: H1Pool; host: string } | null>();

  constructor(readonly opts: H1Options) {}

  /** Send one request and read the answer. Never rejects: a failure is an `Exchange` with `failure` set. */
  exchange(req: OutgoingRequest, totalTimeoutMs: number, options: H1RequestOptions = {}): Promise<Exchange> {
    const startedAt = (this.opts.clock ?? Date.now)();
    const t0 = performance.now();
    return new Promise<Exchange>((resolve) => {
      let origin: string;
      let path: string;
      try {
        ({ origin, path } = splitUrl(req.url));
      } catch (err) {
        return resolve(notSent(startedAt, (err as Error).message));
      }
      let entry = this.pools.get(origin);
      if (entry === undefined) {
        const u = new URL(origin);
        const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
        entry = u.protocol === 'http:' ? { pool: new H1Pool(this.opts, Number(u.port || 80), hostname), host: u.host } : null;
        this.pools.set(origin, entry);
      }
      if (entry === null) return resolve(notSent(startedAt, `${origin} is not plain http`));
      const bytes = encodeRequest(req, path, entry.host);
      if (bytes instanceof ClientError) return resolve(notSent(startedAt, bytes.message));
      const pool = entry.pool;
      const signal = options.signal;
      if (signal?.aborted) return resolve(notSent(startedAt, 'hookdev is shutting down'));
      const keep = options.keepBytes ?? this.opts.keepBytes;
      const a = new Attempt(pool, bytes, req.method.toUpperCase() === 'HEAD', totalTimeoutMs, startedAt, t0, resolve, keep);
      if (signal) a.onSettle = aborts.watch(signal, a);
      pool.start(a);
    });
  }

  /** Ends every connection; requests in flight settle as failed. */
  async close(): Promise<void> {
    for (const e of this.pools.values()) e?.pool.close();
    this.pools.clear();
  }
}
