/**
 * The relay's public HTTP side: `<public-url>/<channel>/<path>?<query>` in, the client's answer out.
 * Bytes and header lists pass through untouched; only hop-by-hop framing headers are rewritten.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { fromRawHeaders, toFlatHeaders } from '../core/headers.js';
import type { Answer, HeaderList } from '../core/types.js';
import { channelProblem } from './channel.js';
import { PROBE_PREFIX, PROTOCOL_VERSION } from './protocol.js';
import type { TokenBuckets } from './rate-limit.js';
import type { RelayHub } from './relay-hub.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { RelayQueue } from './relay-queue.js';

export interface IngressOptions {
  hub: RelayHub;
  queue: RelayQueue;
  metrics: RelayMetrics;
  buckets: TokenBuckets;
  maxBody: number;
  offline: 'queue' | 'reject';
  /** Retry-After for 503 answers (offline reject, queue full). */
  retryAfterSec: number;
  remoteAddr: (req: IncomingMessage) => string;
  log: (event: object) => void;
  now: () => number;
  isClosing: () => boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;

export function createIngress(o: IngressOptions) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = o.now();
    const target = originForm(req.url ?? '/');
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);

    if (o.isClosing()) return json(res, 503, { error: 'relay is shutting down' }, { Connection: 'close' });
    if (pathname === '/healthz')
      return json(res, 200, { ok: true, protocol: PROTOCOL_VERSION, clients: o.hub.connectedClients });
    if (pathname === '/metrics') {
      const text = o.metrics.render({ connectedClients: o.hub.connectedClients, depths: o.queue.depths() });
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(text);
    }

    // `/<channel>` then the rest exactly as sent: `/a/b?x`, `?x` or nothing.
    const m = /^\/([^/?]*)([\s\S]*)$/.exec(target);
    const channel = m?.[1] ?? '';
    const rest = m?.[2] ?? '';
    const path = rest.startsWith('/') ? rest : `/${rest}`;
    if (channelProblem(channel) !== null || !o.queue.isKnownChannel(channel)) {
      req.resume();
      o.metrics.countRequest('', 404);
      return json(res, 404, { error: 'unknown channel' });
    }

    const done = (status: number, outcome: string): void => {
      o.metrics.countRequest(channel, status);
      o.log({ event: 'request', channel, method: req.method, path: pathOnly(path), status, outcome, ms: o.now() - started });
    };

    if (!o.buckets.take(channel, started)) {
      req.resume();
      done(429, 'rate-limited');
      return json(res, 429, { error: `rate limit for channel "${channel}" exceeded` }, { 'Retry-After': '1' });
    }

    if (path.startsWith(PROBE_PREFIX) && req.method === 'GET') {
      req.resume();
      const nonce = path.slice(PROBE_PREFIX.length);
      if (!NONCE.test(nonce)) return json(res, 400, { ok: false, error: 'bad probe nonce' });
      const session = o.hub.current(channel);
      if (!session) return json(res, 503, { ok: false, error: 'no client connected' });
      const ok = await session.probe(nonce);
      return json(res, ok ? 200 : 504, { ok, nonce });
    }

    const body = await readBody(req, o.maxBody);
    if (body === 'too-large') {
      done(413, 'too-large');
      return json(res, 413, { error: `body exceeds ${o.maxBody} bytes` }, { Connection: 'close' });
    }
    if (body === 'aborted') return;

    const row = {
      id: timeOrderedId(),
      channel,
      method: req.method ?? 'GET',
      path,
      headers: fromRawHeaders(req.rawHeaders),
      body,
      receivedAt: started,
      remoteAddr: o.remoteAddr(req),
      httpVersion: req.httpVersion,
    };
    // Looked up after the body is read: the client may have come or gone meanwhile.
    const session = o.hub.current(channel);
    if (!session && o.offline === 'reject') {
      done(503, 'offline-rejected');
      return offlineReject(res, channel, o.retryAfterSec);
    }
    // Persist first (committed with this loop turn's group): from here on a crash of either side loses nothing.
    const enq = o.queue.enqueue(row);
    if (!enq.ok) {
      done(503, 'queue-full');
      return json(
        res,
        503,
        { error: `queue for channel "${channel}" is full` },
        { 'Retry-After': String(o.retryAfterSec) },
      );
    }
    if (!session) return answerQueued();

    const outcome = await session.dispatch({ ...row, seq: enq.seq });
    if (outcome.kind === 'answer') {
      o.metrics.observeLatency((o.now() - started) / 1000);
      const status = writeAnswer(res, outcome.answer, req.method ?? 'GET');
      return done(status, status === 502 ? 'bad-answer' : 'answered');
    }
    if (outcome.kind === 'timeout') {
      done(504, outcome.acked ? 'timeout-after-ack' : 'timeout');
      return json(res, 504, { error: 'the client did not answer in time', id: row.id, delivered: outcome.acked });
    }
    // gone
    if (outcome.acked) {
      done(202, 'delivered-unanswered');
      return json(res, 202, { queued: false, delivered: true, id: row.id, channel });
    }
    if (o.offline === 'reject') {
      o.queue.ack(channel, row.id); // the sender will retry; do not also deliver this copy later
      done(503, 'offline-rejected');
      return offlineReject(res, channel, o.retryAfterSec);
    }
    return answerQueued();

    /** "Queued" is a promise: made only once the row is on disk. */
    async function answerQueued(): Promise<void> {
      if (!(await o.queue.flushed())) {
        o.queue.ack(channel, row.id); // not durable: the sender retries, so this copy must not be delivered too
        done(503, 'store-failed');
        return json(res, 503, { error: 'the relay could not store the request' }, { 'Retry-After': String(o.retryAfterSec) });
      }
      done(202, 'queued');
      return json(res, 202, { queued: true, id: row.id, channel });
    }
  };
}

/** Write the client's answer with its header list kept (case, order, repeats). Returns the status sent. */
export function writeAnswer(res: ServerResponse, answer: Answer, method: string): number {
  const { status } = answer;
  const noBody = method === 'HEAD' || status === 204 || status === 304;
  const headers = framingHeaders(answer.headers, answer.body.length, status, method === 'HEAD');
  if (status < 200 || status > 599 || !validHeaders(headers)) {
    json(res, 502, { error: 'the client sent an answer that cannot be relayed' });
    return 502;
  }
  res.writeHead(status, toFlatHeaders(headers));
  res.end(noBody ? undefined : answer.body);
  return status;
}

/** Drop hop-by-hop headers and make Content-Length match the bytes we actually send. */
export function framingHeaders(headers: HeaderList, bodyLength: number, status: number, head: boolean): HeaderList {
  const out: HeaderList = [];
  let sawLength = false;
  const noLength = status === 204 || status === 304 || (status >= 100 && status < 200);
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower === 'content-length') {
      if (sawLength || noLength) continue;
      sawLength = true;
      out.push([k, head ? v : String(bodyLength)]); // HEAD keeps the length the GET would have
      continue;
    }
    out.push([k, v]);
  }
  if (!sawLength && !noLength && !head) out.push(['Content-Length', String(bodyLength)]);
  return out;
}

function validHeaders(headers: HeaderList): boolean {
  try {
    for (const [k, v] of headers) {
      validateHeaderName(k);
      validateHeaderValue(k, v);
    }
    return true;
  } catch {
    return false;
  }
}

type BodyResult = Buffer | 'too-large' | 'aborted';

function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume(); // discard, so the sender can read our 413
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks, size)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
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
function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*([\s\S]*)$/i.exec(url);
  if (!m) return `/${url}`;
  return m[1]!.startsWith('/') ? m[1]! : `/${m[1]}`;
}

/**
 * A UUID version 7 (RFC 9562): 48-bit millisecond time, then random bits. Unique like a v4, but ids of one
 * moment sort together, so the UNIQUE indexes on them (the relay's queue, the client's history) grow at one end
 * instead of touching a random page per request: several times fewer pages written per commit.
 */
export function timeOrderedId(now = Date.now()): string {
  const u = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep its random bits and variant after the version
  const t = now.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${u.slice(15)}`;
}

/** Paths only in logs: queries sometimes carry tokens. */
function pathOnly(path: string): string {
  const i = path.indexOf('?');
  return i < 0 ? path : path.slice(0, i);
}
