/**
 * The laptop side of the tunnel: one WebSocket to the relay, turned into `IncomingWebhook`s for the
 * local pipeline. Reconnects forever on network trouble (backoff + full jitter), gives up at once when
 * the relay refuses us (bad token, channel taken), and notices dead sockets by itself (heartbeat + probe).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from './ws.js';
import { OperationError, UsageError } from '../core/errors.js';
import { definedOnly } from '../core/objects.js';
import type { Answer, IncomingWebhook, RequestHandler } from '../core/types.js';
import { backoffDelay } from '../core/backoff.js';
import { channelProblem } from './channel.js';
import { RecentMap } from './recent.js';
import { IdMap } from '../core/id-map.js';
import {
  COMPACT_FRAMES,
  CONNECT_PATH,
  decodeFrame,
  encodeFrame,
  H_HOLDER_CHECK,
  H_PUBLIC_URL,
  type KnownFrame,
  PROBE_PREFIX,
  PROTOCOL_VERSION,
  type RequestFrame,
  type ResponseFrame,
} from './protocol.js';

export type TunnelState =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; publicUrl: string; /** requests the relay held for us at connect */ queued: number }
  /**
   * The connection is lost; a `reconnecting` follows. `relayQueues`: the relay was reached on this attempt (the
   * socket had opened), so it queues what arrives meanwhile; false when it could not be reached at all.
   */
  | { state: 'offline'; reason: string; relayQueues: boolean }
  /** Another client holds the channel but has been silent; the relay is checking it. We try again after delayMs. */
  | { state: 'waiting'; reason: string; delayMs: number }
  | { state: 'reconnecting'; delayMs: number; attempt: number }
  /** The socket looks open but a request through the public URL did not reach us. */
  | { state: 'degraded'; reason: string }
  /** The relay refused us; no retry. */
  | { state: 'failed'; error: TunnelRefusedError }
  | { state: 'closed' };

export type RefusalReason = 'auth' | 'claimed' | 'protocol' | 'bad-request' | 'not-found';

/** What the tunnel client reports besides its state; each fact once (states carry the rest). */
export type TunnelEvent =
  | { event: 'bad-frame'; error: string }
  /** The local pipeline threw: nothing was committed, the relay keeps the request. */
  | { event: 'handler-error'; relayId: string; error: string }
  | { event: 'probe-ok'; ms: number }
  | { event: 'onstate-error'; error: string };

/** The relay said no (401, 404, 409, 426, 400), or what answered is no relay (2xx, 3xx, 403, 405): retrying cannot help, so the CLI exits 1 with this message. */
export class TunnelRefusedError extends OperationError {
  constructor(
    readonly reason: RefusalReason,
    readonly status: number,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export interface TunnelOptions {
  /** `wss://relay.example.com` (http(s) accepted; path defaults to `/_hookdev/connect`). */
  relayUrl: string;
  channel: string;
  token: string;
  /** The local pipeline; must resolve only after the request is committed (we ack after it). */
  onRequest: RequestHandler;
  onState?: (state: TunnelState) => void;
  /** Warnings and errors; never contains the token. */
  log?: (event: TunnelEvent) => void;
  /** Ping period. Default 3000 ms. */
  heartbeatMs?: number;
  /** Silence (no pong, no byte) after which the socket is declared dead. Default 2 × heartbeatMs. */
  deadAfterMs?: number;
  /** End-to-end probe through the public URL; 0 disables. Default 30 s. */
  probeIntervalMs?: number;
  /** Default 10 s. */
  probeTimeoutMs?: number;
  /** First reconnect delay ceiling. Default 250 ms. */
  backoffBaseMs?: number;
  /** Reconnect delay cap. Default 10 s. */
  backoffMaxMs?: number;
  /** Upgrade + hello must complete in this time. Default 10 s. */
  handshakeTimeoutMs?: number;
  /**
   * How many recently answered relay ids (and their answers) to remember, so a redelivery whose ack was lost is
   * answered as before. Default 200: far more than the frames a dropped socket can lose, and few enough that the
   * answers die young under load (1000 outlived V8's young-generation collections and were copied and promoted:
   * about a third of the client's GC work). Older redeliveries are still recognised by the history (relay id) and
   * never run twice; they get the configured answer.
   */
  recentIds?: number;
  /** close() waits this long for in-flight requests to be acked. Default 5 s. */
  closeTimeoutMs?: number;
  /**
   * Largest body kept (`listen --max-body`): larger relayed requests are recorded as rejected (413, no body), as
   * the HTTP door does. Default: no limit beyond the relay's own.
   */
  maxBody?: number;
  /** For jitter; default Math.random. */
  random?: () => number;
  /** For the probe; default global fetch. */
  fetch?: typeof fetch;
}

export interface Tunnel {
  /** `<relay public url>/<channel>` once the relay told us; null before. */
  readonly publicUrl: string | null;
  readonly state: TunnelState;
  /** Resolves with the public URL on the first connect; rejects with TunnelRefusedError. */
  readonly ready: Promise<string>;
  /** Resolves after close(); rejects with TunnelRefusedError when the relay refused us. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

export function connectTunnel(options: TunnelOptions): Tunnel {
  const problem = channelProblem(options.channel);
  if (problem) throw new UsageError(problem, 'choose a channel like "my-laptop"');
  if (!options.token) throw new UsageError('missing relay token', 'pass --token (one of the tokens the relay was started with)');
  const client = new TunnelClient(options, connectUrl(options.relayUrl));
  client.start();
  return {
    get publicUrl() {
      return client.publicUrl;
    },
    get state() {
      return client.state;
    },
    ready: client.ready.promise,
    done: client.done.promise,
    close: () => client.close(),
  };
}

/** The relay URL as a WebSocket URL to the connect path. */
export function connectUrl(relayUrl: string): string {
  let u: URL;
  try {
    u = new URL(relayUrl);
  } catch {
    throw new UsageError(`invalid relay URL: ${relayUrl}`, 'use e.g. wss://relay.example.com');
  }
  const scheme = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }[u.protocol];
  if (!scheme) throw new UsageError(`invalid relay URL scheme: ${u.protocol}`, 'use wss:// (or ws:// for local tests)');
  u.protocol = scheme;
  if (u.pathname === '/' || u.pathname === '') u.pathname = CONNECT_PATH;
  return u.toString();
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  const d = { settled: false } as Deferred<T>;
  d.promise = new Promise<T>((res, rej) => {
    d.resolve = (v) => {
      d.settled = true;
      res(v);
    };
    d.reject = (e) => {
      d.settled = true;
      rej(e);
    };
  });
  d.promise.catch(() => {}); // observed by the caller if they care; never an unhandled rejection
  return d;
}

interface Handled {
  answer: Answer;
  /** False when onRequest threw: nothing was committed, so no ack (the relay keeps the request). */
  committed: boolean;
}

class TunnelClient {
  state: TunnelState = { state: 'connecting', attempt: 0 };
  publicUrl: string | null = null;
  readonly ready = deferred<string>();
  readonly done = deferred<void>();

  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private readonly clientId = randomUUID();
  private lastSeen = 0;
  /** Why the current socket ended, for the `offline` state. */
  private why = '';
  private timers: { reconnect?: NodeJS.Timeout; heartbeat?: NodeJS.Timeout; probe?: NodeJS.Timeout; hello?: NodeJS.Timeout } =
    {};
  private probeAbort: AbortController | null = null;
  private readonly echoed = new Set<string>();
  /** Sockets whose relay takes the ack inside the response frame (its hello said `ackInResponse`). */
  private readonly ackInResponse = new WeakSet<WebSocket>();
  /** Sockets whose relay sends and reads compact request/response frames (its hello said `compactFrames`). */
  private readonly compactFrames = new WeakSet<WebSocket>();
  /** Request frames read and not yet acked or answered, whose `received` receipt is still owed (see owe()). */
  private owed = new IdMap<WebSocket>();
  private receiptTimer: NodeJS.Timeout | null = null;
  /** Requests being handled, by relay id: a redelivery joins the running call instead of starting another. */
  private readonly handling = new IdMap<Promise<Handled>>();
  /** Recently committed ids and their answers: a redelivery is re-acked and re-answered, not re-run. */
  private readonly recent: RecentMap<Answer>;
  private readonly o: Required<Omit<TunnelOptions, 'onState' | 'log'>> & Pick<TunnelOptions, 'onState' | 'log'>;

  constructor(
    options: TunnelOptions,
    private readonly url: string,
  ) {
    const heartbeatMs = options.heartbeatMs ?? 3000;
    this.o = {
      maxBody: Number.POSITIVE_INFINITY,
      heartbeatMs,
      deadAfterMs: 2 * heartbeatMs,
      probeIntervalMs: 30_000,
      probeTimeoutMs: 10_000,
      backoffBaseMs: 250,
      backoffMaxMs: 10_000,
      handshakeTimeoutMs: 10_000,
      recentIds: 200,
      closeTimeoutMs: 5000,
      random: Math.random,
      fetch: (...a) => fetch(...a),
      ...definedOnly(options),
    } as TunnelClient['o'];
    this.recent = new RecentMap(this.o.recentIds);
  }

  start(): void {
    this.connect();
  }

  async close(): Promise<void> {
    if (this.stopped) return this.done.promise.catch(() => {});
    this.stopped = true;
    clearTimeout(this.timers.reconnect);
    clearTimeout(this.timers.probe);
    this.probeAbort?.abort();
    // Let requests in flight finish so their acks go out; the relay redelivers any that do not.
    if (this.handling.size > 0)
      await Promise.race([Promise.allSettled([...this.handling.values()]), sleep(this.o.closeTimeoutMs)]);
    this.stopTimers();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const gone = new Promise<void>((r) => ws.once('close', () => r()));
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
      else ws.terminate();
      await Promise.race([gone, sleep(1000)]);
      ws.terminate();
    }
    this.ws = null;
    if (!this.ready.settled) this.ready.reject(new OperationError('tunnel closed before it connected'));
    this.setState({ state: 'closed' });
    this.done.resolve();
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState({ state: 'connecting', attempt: this.attempt });
    const ws = new WebSocket(this.url, {
      headers: {
        Authorization: `Bearer ${this.o.token}`,
        'X-Hookdev-Channel': this.o.channel,
        'X-Hookdev-Protocol': String(PROTOCOL_VERSION),
        'X-Hookdev-Client-Id': this.clientId,
        // Compact request and response frames, if the relay speaks them (its hello says so); older relays ignore it.
        'X-Hookdev-Frames': COMPACT_FRAMES,
      },
      perMessageDeflate: false,
      handshakeTimeout: this.o.handshakeTimeoutMs,
    });
    this.ws = ws;
    this.why = '';
    let refusal: TunnelRefusedError | null = null;
    let waiting: string | null = null;
    let opened = false;
    let retryAfterMs = 0;
    let rawSocket: IncomingMessage['socket'] | null = null;
    const alive = (): void => {
      this.lastSeen = Date.now();
    };

    ws.on('upgrade', (res: IncomingMessage) => {
      const u = res.headers[H_PUBLIC_URL];
      if (typeof u === 'string') this.publicUrl = u;
      rawSocket = res.socket;
    });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      void readSmall(res).then((text) => {
        const message = errorMessage(text) ?? `HTTP ${res.statusCode}`;
        // 409 while the relay checks a silent holder: not a refusal yet, wait and ask again.
        if (res.statusCode === 409 && res.headers[H_HOLDER_CHECK] === 'pending') waiting = message;
        else refusal = this.refusalFor(res.statusCode ?? 0, message);
        this.why = `relay answered ${res.statusCode}: ${message}`;
        const ra = Number(res.headers['retry-after']);
        if (Number.isFinite(ra)) retryAfterMs = Math.min(ra * 1000, this.o.backoffMaxMs);
        ws.terminate();
      });
    });
    ws.on('open', () => {
      opened = true;
      alive();
      // Any byte from the relay proves the path alive, even mid-way through a large frame. Attached only
      // now: a 'data' listener added during 'upgrade' (before ws takes the socket) loses the first frame.
      rawSocket?.on('data', alive);
      // The relay's hello confirms the session is registered; without it the socket is useless.
      this.timers.hello = setTimeout(() => {
        this.why = 'no hello from the relay';
        ws.terminate();
      }, this.o.handshakeTimeoutMs);
    });
    ws.on('message', (data) => {
      alive();
      this.onMessage(ws, data as Buffer);
    });
    ws.on('pong', alive);
    ws.on('ping', alive);
    ws.on('error', (err) => {
      if (!this.why) this.why = err.message;
    });
    ws.on('close', (code, reason) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.stopTimers();
      if (this.stopped) return;
      if (refusal) return this.fail(refusal);
      if (waiting !== null) {
        const delayMs = Math.max(retryAfterMs, 250);
        this.setState({ state: 'waiting', reason: waiting, delayMs });
        this.timers.reconnect = setTimeout(() => this.connect(), delayMs);
        return;
      }
      this.setState({
        state: 'offline',
        reason: this.why || `closed (${code}${reason.length ? ` ${reason}` : ''})`,
        relayQueues: opened,
      });
      const delayMs = Math.max(retryAfterMs, backoffDelay(this.attempt, this.o.backoffBaseMs, this.o.backoffMaxMs, this.o.random));
      this.attempt += 1;
      this.setState({ state: 'reconnecting', delayMs, attempt: this.attempt });
      this.timers.reconnect = setTimeout(() => this.connect(), delayMs);
    });
  }

  private refusalFor(status: number, message: string): TunnelRefusedError | null {
    if (status === 401)
      return new TunnelRefusedError('auth', 401, 'relay refused token: check --token', 'the token must be one the relay was started with');
    if (status === 409)
      return new TunnelRefusedError(
        'claimed',
        409,
        `channel ${this.o.channel} is already claimed by another client`,
        'stop the other listener or choose another --channel',
      );
    if (status === 426)
      return new TunnelRefusedError('protocol', 426, `relay protocol mismatch: ${message}`, 'use the same hookdev version on both sides');
    if (status === 400) return new TunnelRefusedError('bad-request', 400, `relay refused the connection: ${message}`);
    if (status === 404)
      return new TunnelRefusedError(
        'not-found',
        404,
        `no hookdev relay answers at ${this.url} (404)`,
        'check --relay: give the relay\'s base URL, e.g. wss://hooks.example.com',
      );
    // An answer but no upgrade (200, a redirect, 403, 405…): an ordinary web server, not a relay. Retrying cannot help.
    if ((status >= 200 && status < 400) || status === 403 || status === 405)
      return new TunnelRefusedError(
        'not-found',
        status,
        `no hookdev relay answers at ${this.url} (HTTP ${status} instead of a WebSocket upgrade)`,
        'check --relay: give the relay\'s base URL, e.g. wss://hooks.example.com',
      );
    return null; // 408, 429, 5xx, proxies: try again later
  }

  private fail(err: TunnelRefusedError): void {
    this.stopped = true;
    this.stopTimers();
    clearTimeout(this.timers.reconnect);
    this.setState({ state: 'failed', error: err });
    this.ready.reject(err);
    this.done.reject(err);
  }

  private onMessage(ws: WebSocket, data: Buffer): void {
    const r = decodeFrame(data);
    if (!r.ok) {
      this.log({ event: 'bad-frame', error: r.error });
      return;
    }
    const f = r.frame;
    switch (f.type) {
      case 'hello':
        if (f.ackInResponse) this.ackInResponse.add(ws);
        if (f.compactFrames) this.compactFrames.add(ws);
        return this.onHello(ws, f.publicUrl, f.queued);
      case 'request':
        return this.onRequestFrame(ws, f);
      case 'probe':
        this.echoed.add(f.id);
        return this.send(ws, { type: 'probe-reply', id: f.id });
      default:
        return; // unknown types from a newer relay are ignored
    }
  }

  private onHello(ws: WebSocket, publicUrl: string, queued: number): void {
    clearTimeout(this.timers.hello);
    this.publicUrl = publicUrl || this.publicUrl;
    this.attempt = 0;
    this.lastSeen = Date.now();
    this.timers.heartbeat = setInterval(() => {
      if (Date.now() - this.lastSeen > this.o.deadAfterMs) {
        // Said once, by the `offline` state that follows.
        this.why = `no answer from the relay for ${Date.now() - this.lastSeen} ms`;
        ws.terminate();
        return;
      }
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }, this.o.heartbeatMs);
    this.setState({ state: 'connected', publicUrl: this.publicUrl ?? '', queued });
    this.ready.resolve(this.publicUrl ?? '');
    if (this.o.probeIntervalMs > 0) this.scheduleProbe(0);
  }

  private onRequestFrame(ws: WebSocket, f: RequestFrame): void {
    this.owe(ws, f.id);
    const cached = this.recent.get(f.id);
    if (cached) return this.reply(f.id, { answer: cached, committed: true });
    const running = this.handling.get(f.id);
    if (running) {
      void running.then((h) => this.reply(f.id, h));
      return;
    }
    const started = this.handle(f); // never rejects: a failure is a Handled with committed false
    this.handling.set(f.id, started);
    // One callback per request: forget it, then answer (a redelivery meanwhile joined `started` above).
    void started.then((h) => {
      this.handling.delete(f.id);
      this.reply(f.id, h);
    });
  }

  private async handle(f: RequestFrame): Promise<Handled> {
    const incoming: IncomingWebhook = {
      source: 'relay',
      method: f.method,
      url: f.path,
      publicUrl: f.url || null,
      httpVersion: f.httpVersion,
      remoteAddr: f.remoteAddr,
      headers: f.headers,
      body: f.body,
      receivedAt: f.receivedAt,
      relayId: f.id,
    };
    if (f.queued) incoming.queued = true;
    if (f.body.length > this.o.maxBody) {
      // The same limit as the HTTP door: recorded without its body, answered 413.
      incoming.rejected = { status: 413, reason: `body larger than --max-body ${this.o.maxBody} bytes` };
      incoming.declaredSize = f.body.length;
      incoming.body = Buffer.alloc(0);
    }
    try {
      const answer = await this.o.onRequest(incoming);
      this.recent.set(f.id, answer);
      return { answer, committed: true };
    } catch (err) {
      this.log({ event: 'handler-error', relayId: f.id, error: (err as Error).message });
      const body = Buffer.from(JSON.stringify({ error: 'the local hookdev failed to handle the request' }));
      return { answer: { status: 502, headers: [['Content-Type', 'application/json']], body }, committed: false };
    }
  }

  /** Ack (only if committed) then answer, on whichever socket is current now. */
  private reply(id: string, h: Handled): void {
    const ws = this.ws;
    if (!ws) return; // offline: the relay still holds the request and redelivers it
    this.owed.delete(id); // the ack or the response is the receipt
    const response: ResponseFrame = { type: 'response', id, status: h.answer.status, headers: h.answer.headers, body: h.answer.body };
    if (h.committed) {
      // One frame instead of two where the relay understands it; an older relay gets the ack on its own.
      if (this.ackInResponse.has(ws)) response.acked = true;
      else this.send(ws, { type: 'ack', id });
    }
    this.send(ws, response);
  }

  /**
   * The transport receipt tells the relay this socket is alive (no receipt within its receipt timeout, 2 s + 1 s per
   * MB, and it drops the socket). The ack and the response count as receipts, and a request usually has both long
   * before RECEIPT_DELAY_MS: then no `received` frame is sent at all. Sent at once, it was one more write (and a
   * wake-up of the relay) on every request's path, ahead of the commit and the forward.
   */
  private owe(ws: WebSocket, id: string): void {
    this.owed.set(id, ws);
    this.receiptTimer ??= setTimeout(() => this.sendReceipts(), RECEIPT_DELAY_MS);
  }

  private sendReceipts(): void {
    this.receiptTimer = null;
    const owed = this.owed;
    this.owed = new IdMap();
    for (const [id, ws] of owed) this.send(ws, { type: 'received', id });
  }

  /**
   * Each frame is written at once. Corked until the end of the turn, the answers of a turn left together and the relay
   * (and its senders) waited for them: in 23 alternating rounds at 32 connections, writing at once won 18, and the
   * machine idled 15-19% instead of 24-29%, for more CPU per request in this process.
   */
  private send(ws: WebSocket, frame: KnownFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(encodeFrame(frame, 0, frame.type === 'response' && this.compactFrames.has(ws)), SEND_OPTIONS, noop);
  }

  private scheduleProbe(delayMs: number): void {
    this.timers.probe = setTimeout(() => {
      void this.probe().finally(() => {
        if (!this.stopped && this.ws && this.timers.heartbeat) this.scheduleProbe(this.o.probeIntervalMs);
      });
    }, delayMs);
  }

  /** GET <public>/<channel>/_hookdev/probe/<nonce>: passes only if the relay routed it back to this socket. */
  private async probe(): Promise<void> {
    const base = this.publicUrl;
    if (!base || !this.ws) return;
    const nonce = randomBytes(12).toString('base64url');
    const started = Date.now();
    this.echoed.clear();
    this.probeAbort = new AbortController();
    const timer = setTimeout(() => this.probeAbort?.abort(), this.o.probeTimeoutMs);
    let failure: string | null = null;
    try {
      const res = await this.o.fetch(`${base}${PROBE_PREFIX}${nonce}`, { signal: this.probeAbort.signal });
      await res.arrayBuffer();
      if (res.status !== 200) failure = `probe through ${base} answered ${res.status}`;
      else if (!this.echoed.has(nonce)) failure = `probe through ${base} did not reach this client`;
    } catch (err) {
      failure = `probe through ${base} failed: ${(err as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped || !this.ws) return;
    if (failure) {
      // One fact, said once: by the `degraded` state (and not again while it lasts).
      if (this.state.state !== 'degraded') this.setState({ state: 'degraded', reason: failure });
    } else {
      this.log({ event: 'probe-ok', ms: Date.now() - started });
      if (this.state.state === 'degraded')
        this.setState({ state: 'connected', publicUrl: this.publicUrl ?? '', queued: 0 });
    }
  }

  private stopTimers(): void {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
    this.owed.clear(); // their socket is gone: the relay redelivers them on the next one
    clearInterval(this.timers.heartbeat);
    clearTimeout(this.timers.hello);
    clearTimeout(this.timers.probe);
    this.timers.heartbeat = undefined;
    this.probeAbort?.abort();
  }

  private setState(s: TunnelState): void {
    this.state = s;
    try {
      this.o.onState?.(s);
    } catch (err) {
      this.log({ event: 'onstate-error', error: (err as Error).message });
    }
  }

  private log(e: TunnelEvent): void {
    try {
      this.o.log?.(e);
    } catch {
      // A renderer bug must not break the tunnel.
    }
  }
}

const SEND_OPTIONS = { binary: true, compress: false } as const;
/** Far below the relay's receipt timeout (2 s by default), far above a local commit and forward. */
const RECEIPT_DELAY_MS = 20;
const noop = (): void => {};

function readSmall(res: IncomingMessage, max = 4096): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (): void => resolve(text.slice(0, max));
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      if (text.length < max) text += c;
    });
    res.on('end', finish);
    res.on('error', finish);
    res.on('close', finish);
  });
}

function errorMessage(text: string): string | null {
  try {
    const v = JSON.parse(text) as { error?: unknown };
    return typeof v.error === 'string' ? v.error : null;
  } catch {
    return text.trim() ? text.trim().slice(0, 200) : null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
