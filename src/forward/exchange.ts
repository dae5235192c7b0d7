import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AbortWatch } from '../core/abort-watch.js';
import { toFlatHeaders } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';
import { classifyError, type FailureKind } from './failure.js';
import { fromRawBuffers } from './headers.js';
import { KeptBody } from './kept-body.js';

/** One HTTP request to the app, fully formed (headers already cleaned, body exact). */
export interface OutgoingRequest {
  url: string;
  method: string;
  headers: HeaderList;
  body: Buffer;
}

export interface ExchangeOptions {
  dispatcher: Dispatcher;
  totalTimeoutMs: number;
  /** Keep at most this many response body bytes (the rest is read and dropped so the connection stays usable). */
  keepBytes: number;
  /**
   * A one-off dispatcher for the resend after a stale kept-alive connection: a brand new connection, so a second
   * dead socket from the same pool cannot fail it again. Absent: resend through `dispatcher`.
   */
  fresh?: (origin: string) => Dispatcher & { destroy(): Promise<void> };
  /** Aborts in-flight requests (shutdown). */
  signal?: AbortSignal;
  clock?: () => number;
}

/** What came back (or did not). `status` null means no answer. */
export interface Exchange {
  startedAt: number;
  durationMs: number;
  status: number | null;
  headers: HeaderList | null;
  body: Buffer | null;
  truncated: boolean;
  error: string | null;
  failure: FailureKind | null;
}

class TotalTimeout extends Error {
  override name = 'TotalTimeout';
}

const URL_HEAD = /^(https?:\/\/[^/?#]+)(.*)$/i;
/** Origins by scheme+authority as written in the target: `new URL` once per target, not once per request. */
const origins = new Map<string, string>();

/** Split without URL normalisation: the captured path and query go out byte for byte. */
export function splitUrl(url: string): { origin: string; path: string } {
  const m = URL_HEAD.exec(url);
  if (!m) throw new TypeError(`not an http(s) URL: ${url}`);
  const hash = m[2]!.indexOf('#');
  const rest = hash === -1 ? m[2]! : m[2]!.slice(0, hash);
  const head = m[1]!;
  let origin = origins.get(head);
  if (origin === undefined) {
    origin = new URL(head).origin;
    if (origins.size >= 256) origins.clear();
    origins.set(head, origin);
  }
  return { origin, path: rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest };
}

/** In-flight requests of each shutdown signal. */
const aborts = new AbortWatch<Attempt>((a) => a.stop(new Error('hookdev is shutting down')));

function onTotalTimeout(a: Attempt): void {
  a.timedOut = true;
  a.stop(new TotalTimeout(`no complete answer within ${a.opts.totalTimeoutMs}ms`));
}

/**
 * One request in flight: undici's dispatch handler and the state it collects, in one object (no closures per
 * request). Settles once, through `resolve`, with what came back.
 */
class Attempt {
  abort: ((err: Error) => void) | null = null;
  stopReason: Error | null = null;
  timedOut = false;
  status: number | null = null;
  headers: HeaderList | null = null;
  readonly body: KeptBody;
  done = false;
  readonly timer: NodeJS.Timeout;
  unwatch: (() => void) | null = null;

  constructor(
    readonly opts: ExchangeOptions,
    readonly startedAt: number,
    readonly t0: number,
    readonly resolve: (e: Exchange) => void,
  ) {
    this.body = new KeptBody(opts.keepBytes, false);
    this.timer = setTimeout(onTotalTimeout, opts.totalTimeoutMs, this);
    if (opts.signal) this.unwatch = aborts.watch(opts.signal, this);
  }

  stop(err: Error): void {
    this.stopReason ??= err;
    this.abort?.(err);
  }

  /** The dispatcher threw instead of taking the request. */
  refuse(err: unknown): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.unwatch?.();
    this.resolve(refused(this.opts, err));
  }

  finish(error: unknown): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.unwatch?.();
    const status = this.status;
    let message: string | null = null;
    let failure: FailureKind | null = null;
    if (error !== null) {
      if (this.timedOut) {
        message = `timed out after ${this.opts.totalTimeoutMs}ms`;
        failure = 'timeout';
      } else {
        const c = classifyError(error, status !== null);
        const stopped = this.stopReason !== null && error === this.stopReason;
        message = stopped ? this.stopReason!.message : c.message;
        failure = stopped ? 'failed' : c.kind;
      }
    }
    this.resolve({
      startedAt: this.startedAt,
      durationMs: performance.now() - this.t0,
      status,
      headers: this.headers,
      body: status === null ? null : this.body.bytes(),
      truncated: this.body.truncated,
      error: message,
      failure,
    });
  }

  // undici's dispatch handler (the classic callbacks, called as methods of this object).
  onConnect(a: (err?: Error) => void): void {
    this.abort = a;
    if (this.stopReason) a(this.stopReason);
  }

  onHeaders(statusCode: number, raw: Buffer[] | string[]): boolean {
    if (statusCode < 200) return true; // 100 Continue and friends: the real answer follows
    this.status = statusCode;
    this.headers = fromRawBuffers(raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.body.add(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(null);
  }

  onError(err: Error): void {
    this.finish(err);
  }
}

function once(dispatcher: Dispatcher, req: OutgoingRequest, opts: ExchangeOptions): Promise<Exchange> {
  const { origin, path } = splitUrl(req.url);
  const clock = opts.clock ?? Date.now;
  const startedAt = clock();
  const t0 = performance.now();
  return new Promise<Exchange>((resolve) => {
    const attempt = new Attempt(opts, startedAt, t0, resolve);
    if (opts.signal?.aborted) return attempt.finish(new Error('hookdev is shutting down'));
    try {
      dispatcher.dispatch(
        {
          origin,
          path,
          method: req.method,
          headers: toFlatHeaders(req.headers),
          body: req.body.length || !['GET', 'HEAD'].includes(req.method.toUpperCase()) ? req.body : null,
          headersTimeout: opts.totalTimeoutMs,
          bodyTimeout: opts.totalTimeoutMs,
        },
        attempt as unknown as Dispatcher.DispatchHandler,
      );
    } catch (err) {
      // Refused outright (a dispatcher that throws instead of calling onError): settled like safely() would.
      attempt.refuse(err);
    }
  });
}

/**
 * Send one request and read the answer. A kept-alive connection the app closed while idle shows up as a reset
 * before any answer; that request never reached the app's handler, so it is sent once more on a new connection.
 * So is a `408` + `Connection: close` (node:http's answer on an idle socket that raced our request).
 */
export async function exchange(req: OutgoingRequest, opts: ExchangeOptions): Promise<Exchange> {
  const first = await safely(opts.dispatcher, req, opts);
  if (!isStale(first)) return first;
  const fresh = opts.fresh?.(splitUrl(req.url).origin);
  try {
    const second = await safely(fresh ?? opts.dispatcher, req, opts);
    // Twice in a row is no longer an idle-socket race: the app drops the connection.
    return second.failure === 'stale' ? { ...second, failure: 'failed' } : second;
  } finally {
    void fresh?.destroy().catch(() => undefined);
  }
}

/** Never rejects: a request undici refuses to send (bad URL, bad header) is a failed exchange like any other. */
function safely(dispatcher: Dispatcher, req: OutgoingRequest, opts: ExchangeOptions): Promise<Exchange> {
  try {
    return once(dispatcher, req, opts);
  } catch (err) {
    return Promise.resolve(refused(opts, err));
  }
}

function refused(opts: ExchangeOptions, err: unknown): Exchange {
  return notSent((opts.clock ?? Date.now)(), (err as Error).message);
}

/** A request that never left (a bad header, a target that is not plain http): failed, with no answer. */
export function notSent(startedAt: number, message: string): Exchange {
  return { startedAt, durationMs: 0, status: null, headers: null, body: null, truncated: false, error: message, failure: 'failed' };
}

/** A kept-alive socket that failed under the request before the app saw it, or node:http's 408 on an idle socket. */
export function isStale(e: Exchange): boolean {
  if (e.failure === 'stale') return true;
  if (e.status !== 408 || !e.headers) return false;
  return e.headers.some(([k, v]) => k.toLowerCase() === 'connection' && /\bclose\b/i.test(v));
}
