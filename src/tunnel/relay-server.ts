/**
 * `startRelay`: wires the public HTTP ingress, the WebSocket hub, the store (SQLite queue, or Redis shared by
 * several instances), limits, heartbeat and metrics into one server. It never prints: events go to `log`.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { definedOnly } from '../core/objects.js';
import { CONNECT_PATH } from './protocol.js';
import { FailureLimiter, TokenBuckets } from './rate-limit.js';
import type { RelayEvent, RelayLog } from './relay-events.js';
import { RelayHub } from './relay-hub.js';
import { createIngress, originForm } from './relay-ingress.js';
import { RelayMetrics } from './relay-metrics.js';
import { channelTag, ChannelTags, withoutChannel } from './channel-tag.js';
import { ReplyRouter } from './relay-router.js';
import type { RelayStore } from './relay-store.js';
import { SqliteRelayStore } from './relay-store-sqlite.js';

export type { RelayEvent };

export interface RelayOptions {
  /** Tokens a client may present as `Authorization: Bearer <token>`. At least one. */
  tokens: string[];
  /** SQLite file for the queue (`:memory:` for throwaway relays); unused with `store`. */
  dbPath: string;
  /** `redis://host:port[/db]`: queue, leases and routing shared by every instance using the same Redis. */
  store?: string;
  /** This instance's name in the shared store and in metrics. Default `<hostname>-<random>`. */
  instanceId?: string;
  /** Prefix of every Redis key and channel. Default `hd:`. */
  keyPrefix?: string;
  /** Another token that unlocks per-channel metrics (besides the client tokens). */
  metricsToken?: string;
  /** How long a silent holder of a channel gets to answer a ping when another client asks for it. Default 3 s. */
  holderCheckMs?: number;
  /** Lease time to live in a shared store (renewed every third of it). Default 10 s. */
  leaseTtlMs?: number;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Default `0.0.0.0`. */
  host?: string;
  /** Base URL senders use, e.g. `https://relay.example.com`. Default `http(s)://<host>:<port>`. */
  publicUrl?: string;
  /** Largest request body accepted, in bytes; larger gets 413. Default 25 MB (GitHub's cap). */
  maxBody?: number;
  /** Requests per second per channel (bursts up to twice that); over it gets 429. Default 50. */
  rateLimit?: number;
  /** Max queued (unacked) requests per channel; a full queue answers 503. Default 10000. */
  queueCap?: number;
  /** Max queued body bytes per channel. Default 1 GiB. */
  queueCapBytes?: number;
  /** How long a sender waits for the client's answer before 504. Default 25 s. */
  responseTimeoutMs?: number;
  /** A request frame without the client's receipt in this time marks the client as gone. Default 2 s. */
  receiptTimeoutMs?: number;
  /** Ping period; a client that did not pong by the next tick is dropped. Default 15 s. */
  heartbeatMs?: number;
  /** How long the probe route waits for the client to echo a probe. Default 5 s. */
  probeTimeoutMs?: number;
  /** With no client connected: queue and answer 202 (default), or answer 503 + Retry-After. */
  offline?: 'queue' | 'reject';
  /** Retry-After seconds on 503 answers. Default 30. */
  retryAfterSec?: number;
  /** Failed upgrade auths allowed per remote address per window before 429. Default 10 per 60 s. */
  authFailureLimit?: { max: number; windowMs: number };
  /** Take the remote address from `X-Forwarded-For` (behind a proxy you run). Default false. */
  trustProxy?: boolean;
  /** Serve https/wss with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Receives one typed event per fact; never sees tokens. */
  log?: RelayLog;
  /** Clock, epoch ms. */
  now?: () => number;
}

export interface Relay {
  /** Public base URL; a channel's URL is `<url>/<channel>`. */
  url: string;
  /** Where clients connect (`ws(s)://…/_hookdev/connect`). */
  connectUrl: string;
  port: number;
  instanceId: string;
  /** Stop accepting, let in-flight requests finish (bounded by the response timeout), then close. */
  close(): Promise<void>;
}

export const RELAY_DEFAULTS = {
  port: 8080,
  host: '0.0.0.0',
  maxBody: 25 * 1024 * 1024,
  rateLimit: 50,
  queueCap: 10_000,
  queueCapBytes: 1024 * 1024 * 1024,
  responseTimeoutMs: 25_000,
  receiptTimeoutMs: 2_000,
  heartbeatMs: 15_000,
  probeTimeoutMs: 5_000,
  retryAfterSec: 30,
  holderCheckMs: 3_000,
  leaseTtlMs: 10_000,
} as const;

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const tokens = options.tokens.filter((t) => t !== '');
  if (tokens.length === 0) throw new TypeError('startRelay: at least one token is required');
  const o = { ...RELAY_DEFAULTS, ...definedOnly(options) };
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const remoteAddr = (req: http.IncomingMessage): string => {
    if (o.trustProxy) {
      const xff = req.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? '';
  };

  const limits = { maxCount: o.queueCap, maxBytes: o.queueCapBytes };
  let store: RelayStore;
  if (o.store) {
    // Lazy: ioredis is loaded only when a Redis store is selected.
    const { RedisRelayStore } = await import('./relay-store-redis.js');
    store = new RedisRelayStore({ url: o.store, instanceId: o.instanceId, keyPrefix: o.keyPrefix, limits, log, now });
  } else store = new SqliteRelayStore(options.dbPath, limits, o.instanceId ?? 'local');
  const metrics = new RelayMetrics(o.store ? store.instanceId : undefined);
  const router = new ReplyRouter({ responseTimeoutMs: o.responseTimeoutMs, receiptTimeoutMs: o.receiptTimeoutMs });
  const authFailures = new FailureLimiter(
    o.authFailureLimit?.max ?? 10,
    o.authFailureLimit?.windowMs ?? 60_000,
  );
  const buckets = new TokenBuckets(o.rateLimit, Math.max(1, o.rateLimit * 2));
  // Channel names never reach the log or the metrics: their tags do, computed once per channel.
  const tags = new ChannelTags();
  const server = o.tls ? https.createServer({ cert: o.tls.cert, key: o.tls.key }) : http.createServer();
  // node:http keeps only the first 1,023 header lines by default and drops the rest silently; the head size
  // limit bounds a request instead (issue 10, item 13).
  server.maxHeadersCount = 0;

  // Known once listening (port 0); the hub reads it through this holder.
  let publicUrl = '';
  let closing = false;
  let active = 0;
  /** Resolved when `active` drops to zero during close. */
  let drained: (() => void) | null = null;

  const hub = new RelayHub({
    tokens,
    get publicUrl() {
      return publicUrl;
    },
    store,
    router,
    metrics,
    authFailures,
    maxPayload: o.maxBody + 1024 * 1024, // answers carry a JSON header besides the body
    receiptTimeoutMs: o.receiptTimeoutMs,
    probeTimeoutMs: o.probeTimeoutMs,
    holderCheckMs: o.holderCheckMs,
    leaseTtlMs: o.leaseTtlMs,
    remoteAddr,
    tags,
    log,
    now,
  });
  const scheme = o.tls ? 'https' : 'http';
  const forwarded = (req: http.IncomingMessage, name: string): string | undefined => {
    if (!o.trustProxy) return undefined;
    const v = req.headers[name];
    return (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim() || undefined;
  };
  let baseHost = '';
  let baseProto = '';
  let base = '';
  const ingress = createIngress({
    hub,
    store,
    router,
    metrics,
    buckets,
    maxBody: o.maxBody,
    offline: o.offline ?? 'queue',
    retryAfterSec: o.retryAfterSec,
    metricsTokens: o.metricsToken ? [...tokens, o.metricsToken] : tokens,
    authFailures,
    remoteAddr,
    publicBase: (req) => {
      if (o.publicUrl) return publicUrl;
      // No --public-url: the scheme and host the sender reached (through a proxy you run: what it says).
      const host = forwarded(req, 'x-forwarded-host') ?? req.headers.host ?? new URL(publicUrl).host;
      const proto = forwarded(req, 'x-forwarded-proto') ?? scheme;
      // Senders use one host: the base is built once, not a new string per request.
      if (host !== baseHost || proto !== baseProto) {
        baseHost = host;
        baseProto = proto;
        base = `${proto}://${host}`;
      }
      return base;
    },
    tags,
    log,
    now,
    isClosing: () => closing,
  });

  try {
    await store.start({
      onWake: (channel, seq) => hub.current(channel)?.wake(seq),
      onMessage: (m) => hub.onMessage(m),
      onAvailability: (available, detail) =>
        log(available ? { event: 'store-available', detail } : { event: 'store-unavailable', detail }),
    });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }

  const settled = (): void => {
    active -= 1;
    if (active === 0) drained?.();
  };
  server.on('request', (req, res) => {
    active += 1;
    // One `then` with a shared callback (not catch + finally: two more promises and closures per request).
    ingress(req, res).then(settled, (err: unknown) => {
      // A bug's message could quote the URL: the channel in it becomes its tag.
      const channel = /^\/([^/?]*)/.exec(originForm(req.url ?? '/'))?.[1] ?? '';
      const message = (err as Error).message;
      log({ event: 'error', where: 'ingress', error: channel === '' ? message : withoutChannel(message, channel, channelTag(channel)) });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
      settled();
    });
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  const heartbeat = setInterval(() => {
    hub.heartbeat();
    const t = now();
    buckets.sweep(t);
    authFailures.sweep(t);
  }, o.heartbeatMs);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(heartbeat);
    await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  publicUrl = (o.publicUrl ?? `${scheme}://${displayHost(o.host)}:${port}`).replace(/\/+$/, '');
  const connectUrl = `${o.tls ? 'wss' : 'ws'}://${displayHost(o.host)}:${port}${CONNECT_PATH}`;

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      closing = true;
      server.close();
      server.closeIdleConnections();
      // Drain: senders waiting on a client answer get it (or their 504) before the sockets go.
      if (active > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((r) => (drained = r)),
          new Promise<void>((r) => (timer = setTimeout(r, o.responseTimeoutMs + 1000))),
        ]);
        clearTimeout(timer);
      }
      await hub.closeAll(1000);
      router.closeAll();
      clearInterval(heartbeat);
      server.closeAllConnections();
      await store.close();
      log({ event: 'closed' });
    })());

  return { url: publicUrl, connectUrl, port, instanceId: store.instanceId, close };
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
