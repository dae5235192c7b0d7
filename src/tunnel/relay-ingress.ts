/**
 * The relay's public HTTP side: `<public-url>/<channel>/<path>?<query>` in, the client's answer out.
 * Bytes and header lists pass through untouched; only hop-by-hop framing headers are rewritten.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { readBodyUnder, type BodyOutcome } from '../capture/body.js';
import { fromRawHeaders, HOP_BY_HOP } from '../core/headers.js';
import type { Answer, HeaderList } from '../core/types.js';
import { bearerToken, matchToken } from './auth.js';
import { channelProblem } from './channel.js';
import { channelTag, type ChannelTag, type ChannelTags } from './channel-tag.js';
import { PROBE_PREFIX } from './protocol.js';
import type { FailureLimiter, TokenBuckets } from './rate-limit.js';
import type { RelayLog } from './relay-events.js';
import type { RelayHub } from './relay-hub.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { ReplyRouter } from './relay-router.js';
import { timeOrderedId } from './request-id.js';
import type { Depth, EnqueueResult, NewQueuedRequest, QueuedRequest, RelayStore } from './relay-store.js';

export interface IngressOptions {
  hub: RelayHub;
  store: RelayStore;
  router: ReplyRouter;
  metrics: RelayMetrics;
  buckets: TokenBuckets;
  maxBody: number;
  offline: 'queue' | 'reject';
  /** Retry-After for 503 answers (offline reject, queue full, store unreachable). */
  retryAfterSec: number;
  /** Tokens that unlock per-channel metrics (the relay's tokens and the metrics token). */
  metricsTokens: readonly string[];
  authFailures: FailureLimiter;
  remoteAddr: (req: IncomingMessage) => string;
  /** `scheme://host[/prefix]` the sender reached, without the channel (from --public-url, or the request). */
  publicBase: (req: IncomingMessage) => string;
  /** Tags for the log and metrics (never a channel name there): looked up, not hashed, per request. */
  tags: ChannelTags;
  log: RelayLog;
  now: () => number;
  isClosing: () => boolean;
}

const NONCE = /^[A-Za-z0-9_-]{1,64}$/;

export function createIngress(o: IngressOptions) {
  const unavailable = (res: ServerResponse): void =>
    json(res, 503, { error: 'the relay cannot store requests right now' }, { 'Retry-After': String(o.retryAfterSec) });

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = o.now();
    const target = originForm(req.url ?? '/');
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);

    if (o.isClosing()) return json(res, 503, { error: 'relay is shutting down' }, { Connection: 'close' });
    // Readiness only: nothing about clients or channels.
    if (pathname === '/healthz') {
      req.resume();
      const ready = o.store.available;
      return json(res, ready ? 200 : 503, { ready });
    }
    if (pathname === '/metrics') {
      req.resume();
      return metrics(req, res);
    }

    // `/<channel>` then the rest exactly as sent: `/a/b?x`, `?x` or nothing.
    const m = /^\/([^/?]*)([\s\S]*)$/.exec(target);
    const channel = m?.[1] ?? '';
    const rest = m?.[2] ?? '';
    const path = rest.startsWith('/') ? rest : `/${rest}`;
    let known = false;
    if (channelProblem(channel) === null) {
      try {
        const k = o.store.isKnownChannel(channel);
        known = typeof k === 'boolean' ? k : await k; // SQLite answers at once: no await on the request path
      } catch {
        req.resume();
        o.metrics.countStoreError();
        o.metrics.countRequest(null, 503);
        return unavailable(res);
      }
    }
    if (!known) {
      req.resume();
      o.metrics.countRequest(null, 404);
      return json(res, 404, { error: 'unknown channel' });
    }

    // No closures per request: `finished` and `offlineAnswer` are module functions taking the request's facts (three
    // closures and the context they shared were allocated on every request, for the most part for the rare paths).
    if (!o.buckets.take(channel, started)) {
      req.resume();
      finished(o, req, channel, path, started, 429, 'rate-limited');
      return json(res, 429, { error: `rate limit for channel "${channel}" exceeded` }, { 'Retry-After': '1' });
    }

    if (path.startsWith(PROBE_PREFIX) && req.method === 'GET') {
      req.resume();
      const nonce = path.slice(PROBE_PREFIX.length);
      if (!NONCE.test(nonce)) return json(res, 400, { ok: false, error: 'bad probe nonce' });
      const session = o.hub.current(channel);
      if (!session) return json(res, 503, { ok: false, error: 'no client connected here' });
      const ok = await session.probe(nonce);
      return json(res, ok ? 200 : 504, { ok, nonce });
    }

    const read = await readBody(req, o.maxBody);
    if (read.kind === 'too-large') {
      finished(o, req, channel, path, started, 413, 'too-large');
      return json(res, 413, { error: `body exceeds ${o.maxBody} bytes` }, { Connection: 'close' });
    }
    if (read.kind === 'aborted') return;
    const body = read.body;

    const row: NewQueuedRequest = {
      seq: 0, // assigned by the store; present from the start so the object keeps one shape
      id: timeOrderedId(),
      channel,
      method: req.method ?? 'GET',
      path,
      url: `${o.publicBase(req)}/${channel}${rest}`,
      headers: fromRawHeaders(req.rawHeaders),
      body,
      receivedAt: started,
      remoteAddr: o.remoteAddr(req),
      httpVersion: req.httpVersion,
      replyTo: o.store.instanceId,
    };
    // Looked up after the body is read: the client may have come or gone meanwhile.
    let session = o.hub.current(channel);
    if (!session && o.offline === 'reject' && !o.store.shared) {
      finished(o, req, channel, path, started, 503, 'offline-rejected');
      return offlineReject(res, channel, o.retryAfterSec);
    }
    // Waiting starts before the request is queued: with a shared store the answer can come back through another
    // instance, and must find us listening.
    const answered = o.router.open(row.id);
    // Persist first: from here on a crash of either side loses nothing.
    let enq: EnqueueResult;
    try {
      const e = o.store.enqueue(row);
      enq = e instanceof Promise ? await e : e;
    } catch {
      enq = { ok: false, reason: 'unavailable' };
    }
    if (!enq.ok) {
      o.router.cancel(row.id);
      if (enq.reason === 'unavailable') {
        o.metrics.countStoreError();
        finished(o, req, channel, path, started, 503, 'store-unavailable');
        return unavailable(res);
      }
      finished(o, req, channel, path, started, 503, 'queue-full');
      return json(res, 503, { error: `queue for channel "${channel}" is full` }, { 'Retry-After': String(o.retryAfterSec) });
    }
    session = o.hub.current(channel);
    row.seq = enq.seq; // the row itself goes on (the SQLite queue holds this very object): no copy per request
    if (session) session.dispatch(row as QueuedRequest);
    else if (enq.listeners !== null && enq.listeners > 0) o.router.remote(row.id);
    else {
      o.router.cancel(row.id);
      return offlineAnswer(o, req, res, row, started);
    }

    const outcome = await answered;
    if (outcome.kind === 'answer') {
      o.metrics.observeLatency((o.now() - started) / 1000);
      const status = writeAnswer(res, outcome.answer, req.method ?? 'GET');
      return finished(o, req, channel, path, started, status, status === 502 ? 'bad-answer' : outcome.remote ? 'answered-elsewhere' : 'answered');
    }
    if (outcome.kind === 'timeout') {
      finished(o, req, channel, path, started, 504, outcome.acked ? 'timeout-after-ack' : 'timeout');
      return json(res, 504, { error: 'the client did not answer in time', id: row.id, delivered: outcome.acked });
    }
    // gone
    if (outcome.acked) {
      finished(o, req, channel, path, started, 202, 'delivered-unanswered');
      return json(res, 202, { queued: false, delivered: true, id: row.id, channel });
    }
    return offlineAnswer(o, req, res, row, started);
  };

  /** Aggregates for anyone; per-channel series only for a caller with a relay token or the metrics token. */
  async function metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const presented = req.headers.authorization;
    let detail = false;
    if (presented !== undefined) {
      const addr = o.remoteAddr(req);
      const now = o.now();
      if (o.authFailures.blocked(addr, now))
        return json(res, 429, { error: 'too many failed attempts' }, { 'Retry-After': String(o.authFailures.retryAfterSec(addr, now)) });
      const token = bearerToken(presented);
      if (token === null || matchToken(token, o.metricsTokens) < 0) {
        o.authFailures.fail(addr, now);
        o.metrics.countAuthFailure();
        o.log({ event: 'auth-failed', remoteAddr: addr, reason: token === null ? 'missing token' : 'wrong token', where: 'metrics' });
        return json(res, 401, { error: 'wrong token' }, { 'WWW-Authenticate': 'Bearer' });
      }
      detail = true;
    }
    let depths: Array<[ChannelTag, Depth]> = [];
    try {
      // Hashed here, not through the cache: a scrape can list every queued channel, and must not evict live ones.
      depths = (await o.store.depths(o.hub.channels())).map(([channel, d]) => [channelTag(channel), d]);
    } catch {
      o.metrics.countStoreError();
    }
    const text = o.metrics.render({ connectedClients: o.hub.connectedClients, depths, detail });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  }
}

/** The request's count and log line, under the channel's tag. */
function finished(o: IngressOptions, req: IncomingMessage, channel: string, path: string, started: number, status: number, outcome: string): void {
  const tag = o.tags.of(channel);
  o.metrics.countRequest(tag, status);
  o.log({ event: 'request', channel: tag, method: req.method ?? '', path: pathOnly(path), status, outcome, ms: o.now() - started });
}

/** Queued, and no client will take it now: `--offline reject` refuses it, otherwise 202 once it is durable. */
function offlineAnswer(o: IngressOptions, req: IncomingMessage, res: ServerResponse, row: NewQueuedRequest, started: number): Promise<void> | void {
  const { channel, path, id } = row;
  if (o.offline === 'reject') {
    // The sender will retry: this copy must not be delivered too.
    o.store.ack(channel, id);
    finished(o, req, channel, path, started, 503, 'offline-rejected');
    return offlineReject(res, channel, o.retryAfterSec);
  }
  return answerQueued();

  /** "Queued" is a promise: made only once the row is durable. */
  async function answerQueued(): Promise<void> {
    if (!(await o.store.durable().catch(() => false))) {
      o.store.ack(channel, id); // not durable: the sender retries, so this copy must not be delivered too
      finished(o, req, channel, path, started, 503, 'store-failed');
      return json(res, 503, { error: 'the relay could not store the request' }, { 'Retry-After': String(o.retryAfterSec) });
    }
    finished(o, req, channel, path, started, 202, 'queued');
    return json(res, 202, { queued: true, id, channel });
  }
}

/** Write the client's answer with its header list kept (case, order, repeats). Returns the status sent. */
export function writeAnswer(res: ServerResponse, answer: Answer, method: string): number {
  const { status } = answer;
  const noBody = method === 'HEAD' || status === 204 || status === 304;
  const flat = status < 200 || status > 599 ? null : flatFramingHeaders(answer.headers, answer.body.length, status, method === 'HEAD');
  if (flat === null) {
    json(res, 502, { error: 'the client sent an answer that cannot be relayed' });
    return 502;
  }
  res.writeHead(status, flat);
  res.end(noBody ? undefined : answer.body);
  return status;
}

/** Drop hop-by-hop headers and make Content-Length match the bytes we actually send. */
export function framingHeaders(headers: HeaderList, bodyLength: number, status: number, head: boolean): HeaderList {
  const flat = flatFramingHeaders(headers, bodyLength, status, head, false) ?? [];
  const out: HeaderList = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/**
 * framingHeaders as the flat `[k, v, k, v…]` list node:http takes, built in one pass (no pair arrays per answer);
 * null when a name or value could not be sent (`validate`).
 */
function flatFramingHeaders(headers: HeaderList, bodyLength: number, status: number, head: boolean, validate = true): string[] | null {
  const out: string[] = [];
  let sawLength = false;
  const noLength = status === 204 || status === 304 || (status >= 100 && status < 200);
  try {
    for (const [k, v] of headers) {
      const lower = k.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      if (lower === 'content-length') {
        if (sawLength || noLength) continue;
        sawLength = true;
        if (head && validate) validateHeaderValue(k, v);
        out.push(k, head ? v : String(bodyLength)); // HEAD keeps the length the GET would have
        continue;
      }
      if (validate) {
        validateHeaderName(k);
        validateHeaderValue(k, v);
      }
      out.push(k, v);
    }
  } catch {
    return null;
  }
  if (!sawLength && !noLength && !head) out.push('Content-Length', String(bodyLength));
  return out;
}

/**
 * The shared reader under a size limit, as a promise. A declared length over the limit is refused before reading;
 * past the limit while streaming, the rest of the upload is drained before the 413, so the sender is reading when
 * it comes.
 */
function readBody(req: IncomingMessage, max: number): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume(); // discard, so the sender can read our 413
    return Promise.resolve({ kind: 'too-large', size: declared });
  }
  return new Promise((resolve) =>
    readBodyUnder(req, max, (outcome) => {
      if (outcome.kind !== 'too-large' || req.complete) return resolve(outcome);
      // readBodyUnder keeps consuming (and dropping) the data, so 'end' comes once the upload is done.
      req.once('end', () => resolve(outcome));
      req.once('aborted', () => resolve({ kind: 'aborted', size: outcome.size }));
      req.once('error', () => resolve({ kind: 'aborted', size: outcome.size }));
    }),
  );
}

function offlineReject(res: ServerResponse, channel: string, retryAfterSec: number): void {
  json(res, 503, { error: `no client connected for channel "${channel}"` }, { 'Retry-After': String(retryAfterSec) });
}

function json(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...extra });
  res.end(body);
}

/** `http://host/x` (absolute-form, from proxies) -> `/x`; origin-form unchanged. */
export function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*([\s\S]*)$/i.exec(url);
  if (!m) return `/${url}`;
  return m[1]!.startsWith('/') ? m[1]! : `/${m[1]}`;
}

/** Paths only in logs: queries sometimes carry tokens. */
function pathOnly(path: string): string {
  const i = path.indexOf('?');
  return i < 0 ? path : path.slice(0, i);
}
