import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { toFlatHeaders } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';
import { classifyError, type FailureKind } from './failure.js';
import { fromRawBuffers } from './headers.js';

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

/** Split without URL normalisation: the captured path and query go out byte for byte. */
export function splitUrl(url: string): { origin: string; path: string } {
  const m = /^(https?:\/\/[^/?#]+)(.*)$/i.exec(url);
  if (!m) throw new TypeError(`not an http(s) URL: ${url}`);
  const rest = m[2]!.replace(/#.*$/, '');
  return { origin: new URL(m[1]!).origin, path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest };
}

function once(dispatcher: Dispatcher, req: OutgoingRequest, opts: ExchangeOptions): Promise<Exchange> {
  const { origin, path } = splitUrl(req.url);
  const clock = opts.clock ?? Date.now;
  const startedAt = clock();
  const t0 = performance.now();
  return new Promise<Exchange>((resolve) => {
    let abort: ((err: Error) => void) | null = null;
    let stopReason: Error | null = null;
    let timedOut = false;
    let status: number | null = null;
    let headers: HeaderList | null = null;
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let done = false;

    const stop = (err: Error) => {
      stopReason ??= err;
      abort?.(err);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop(new TotalTimeout(`no complete answer within ${opts.totalTimeoutMs}ms`));
    }, opts.totalTimeoutMs);
    const onAbort = () => stop(new Error('hookdev is shutting down'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const base = {
        startedAt,
        durationMs: performance.now() - t0,
        status,
        headers,
        body: status === null ? null : Buffer.concat(chunks, kept),
        truncated,
      };
      if (error === null) return resolve({ ...base, error: null, failure: null });
      if (timedOut) {
        return resolve({ ...base, error: `timed out after ${opts.totalTimeoutMs}ms`, failure: 'timeout' });
      }
      const c = classifyError(error, status !== null);
      const message = stopReason && error === stopReason ? stopReason.message : c.message;
      resolve({ ...base, error: message, failure: stopReason && error === stopReason ? 'failed' : c.kind });
    };

    if (opts.signal?.aborted) return finish(new Error('hookdev is shutting down'));
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
      {
        onConnect(a: (err?: Error) => void) {
          abort = a;
          if (stopReason) a(stopReason);
        },
        onHeaders(statusCode: number, raw: Buffer[] | string[]) {
          if (statusCode < 200) return true; // 100 Continue and friends: the real answer follows
          status = statusCode;
          headers = fromRawBuffers(raw);
          return true;
        },
        onData(chunk: Buffer) {
          const room = opts.keepBytes - kept;
          if (room > 0) {
            const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
            chunks.push(part);
            kept += part.length;
          }
          if (chunk.length > room) truncated = true;
          return true;
        },
        onComplete() {
          finish(null);
        },
        onError(err: Error) {
          finish(err);
        },
      } as unknown as Dispatcher.DispatchHandler,
    );
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
async function safely(dispatcher: Dispatcher, req: OutgoingRequest, opts: ExchangeOptions): Promise<Exchange> {
  try {
    return await once(dispatcher, req, opts);
  } catch (err) {
    const startedAt = (opts.clock ?? Date.now)();
    return { startedAt, durationMs: 0, status: null, headers: null, body: null, truncated: false, error: (err as Error).message, failure: 'failed' };
  }
}

function isStale(e: Exchange): boolean {
  if (e.failure === 'stale') return true;
  if (e.status !== 408 || !e.headers) return false;
  return e.headers.some(([k, v]) => k.toLowerCase() === 'connection' && /\bclose\b/i.test(v));
}
