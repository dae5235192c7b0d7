import type { Dispatcher } from 'undici';
import type { EventHub } from '../core/events.js';
import type { Answer, IncomingWebhook, Verdict } from '../core/types.js';
import type { RouteConfig } from '../config/file.js';
import type { Deliverer } from '../pipeline.js';
import { ConfigError } from '../core/errors.js';
import { definedOnly } from '../core/objects.js';
import type { DeliverySink } from '../store/index.js';
import { createFreshClient, createPool } from './client.js';
import { exchange, isStale, type Exchange, type ExchangeOptions, type OutgoingRequest } from './exchange.js';
import { H1Agent } from './h1-client.js';
import { answerHeaders, outgoingHeaders } from './headers.js';
import { Lane, type LaneJob } from './lane.js';
import { recordDelivery } from './record.js';
import { selectTargets } from './routes.js';
import { targetUrl } from './target-url.js';
import { carriesHop, HOP_HEADER } from './self-loop.js';
import { randomUUID } from 'node:crypto';

export interface ForwarderOptions {
  /** Where delivery rows go (the listener's write batcher). */
  deliveries: DeliverySink;
  events: EventHub;
  /** Default targets: every request goes to each (unless a route matches). */
  targets: string[];
  /** From the config file: a request goes to every route it matches; to `targets` when none does. */
  routes?: RouteConfig[];
  /** Give up connecting after this long. Default 5000. */
  connectTimeoutMs?: number;
  /** The whole exchange (connect, send, answer, body) must finish within this. Default 30000; then 504. */
  totalTimeoutMs?: number;
  /** Keep retrying an unreachable app this long, then record the delivery as failed. Default 60000. */
  retryForMs?: number;
  /** Backoff while the app is unreachable: the n-th wait is random in [0, min(retryMaxDelayMs, this·2^n)]. Default 100. */
  retryInitialDelayMs?: number;
  /** Backoff cap. Default 2000. */
  retryMaxDelayMs?: number;
  /** At drain wait this long for deliveries in flight before aborting them (recorded as failed). Default 1500. */
  drainGraceMs?: number;
  /** Send the sender's Host header instead of the target's. Default false. */
  preserveHost?: boolean;
  /** Use each target URL exactly as given instead of appending the captured path and query. Default false. */
  keepPath?: boolean;
  /** Response body bytes kept in the history per delivery. Default 64 KiB. */
  responseCap?: number;
  /** Largest app answer passed back to the sender in passthrough mode. Default 25 MiB. */
  passthroughCap?: number;
  /** An undici dispatcher (proxy, mock). Default: our own kept-alive pool, closed by close(). */
  dispatcher?: Dispatcher;
  clock?: () => number;
  /**
   * This listener's id, sent in a `Hookdev-Hop` header with every forward; a request that comes back carrying it
   * (a loop through other hops) is kept in the history but not forwarded again. Default: a random id.
   */
  instanceId?: string;
}

export interface Forwarder extends Deliverer {
  /** drain(), then close our connection pool. */
  close(): Promise<void>;
}

export const FORWARD_DEFAULTS = {
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 30_000,
  retryForMs: 60_000,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 2_000,
  drainGraceMs: 1_500,
  responseCap: 64 * 1024,
  passthroughCap: 25 * 1024 * 1024,
} as const;

/** Build the request that goes to one target: same method, exact body, cleaned headers, joined URL. */
export function outgoingFor(
  incoming: Pick<IncomingWebhook, 'method' | 'url' | 'headers' | 'body'>,
  target: string,
  opts: { preserveHost?: boolean; keepPath?: boolean; hop?: string } = {},
): OutgoingRequest {
  const headers = outgoingHeaders(incoming.headers, { preserveHost: opts.preserveHost });
  // Appended last, so the app sees the sender's headers first and in order; earlier hops' ids are kept.
  if (opts.hop) headers.push([HOP_HEADER, opts.hop]);
  return { url: targetUrl(target, incoming.url, opts.keepPath), method: incoming.method, headers, body: incoming.body };
}

/** What the sender gets in passthrough mode when the app did not answer. */
export function failureAnswer(target: string, r: Exchange): Answer {
  const timeout = r.failure === 'timeout';
  const text = timeout
    ? `hookdev: your app at ${target} did not answer in time (${r.error})\n`
    : `hookdev: your app at ${target} is unreachable (${r.error})\n`;
  return { status: timeout ? 504 : 502, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(text) };
}

/** The forwarding layer the pipeline calls after each commit. */
export async function makeForwarder(options: ForwarderOptions): Promise<Forwarder> {
  for (const t of [...options.targets, ...(options.routes ?? []).map((r) => r.to)]) {
    if (typeof t !== 'string' || !/^https?:\/\/[^/?#]+/i.test(t) || !URL.canParse(t)) {
      throw new ConfigError(`forward target is not an http(s) URL: ${JSON.stringify(t)}`, 'example: http://localhost:3000/webhooks');
    }
  }
  const o = { ...FORWARD_DEFAULTS, ...definedOnly(options) };
  const instanceId = options.instanceId ?? randomUUID().slice(0, 8);
  const outgoing = { preserveHost: o.preserveHost, keepPath: o.keepPath, hop: instanceId };
  const clock = options.clock ?? Date.now;
  // Plain-http targets go through the lean client (h1-client.ts): per request it costs the listener about a fifth
  // of its CPU less than undici (measured in bench forward and relay), and a lone request does not wait a turn for
  // an idle socket. https targets, and a dispatcher handed in, go through undici.
  const h1 = options.dispatcher ? null : new H1Agent({ connectTimeoutMs: o.connectTimeoutMs, keepBytes: o.responseCap, clock });
  let own: Dispatcher | null = null;
  const dispatcher = (): Dispatcher => options.dispatcher ?? (own ??= createPool({ connectTimeoutMs: o.connectTimeoutMs }));
  let shutdown = new AbortController();
  const lanes = new Map<string, Lane>();
  // Deliveries not yet settled: a count and who waits for it to reach 0 (drain), not a Set of promises with a
  // closure each: a burst in default mode can hold thousands.
  let pending = 0;
  let idleWaiters: Array<() => void> = [];
  const untrack = (): void => {
    if (--pending > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };
  const settled = (): Promise<void> => (pending === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r)));
  let seq = 0;

  const fresh = own ? (origin: string) => createFreshClient(origin, { connectTimeoutMs: o.connectTimeoutMs }) : undefined;
  // Built once per shutdown signal (drain replaces it), not once per request.
  let cached: { signal: AbortSignal; lane: ExchangeOptions; direct: ExchangeOptions } | null = null;
  const exchangeOptions = (which: 'lane' | 'direct'): ExchangeOptions => {
    if (cached?.signal !== shutdown.signal) {
      const signal = shutdown.signal;
      const make = (keepBytes: number): ExchangeOptions => ({ dispatcher: dispatcher(), totalTimeoutMs: o.totalTimeoutMs, keepBytes, fresh, signal, clock });
      cached = { signal, lane: make(o.responseCap), direct: make(o.passthroughCap) };
    }
    return cached[which];
  };
  const send = (req: OutgoingRequest, which: 'lane' | 'direct'): Promise<Exchange> =>
    h1 && PLAIN_HTTP.test(req.url)
      ? viaH1(h1, req, o.totalTimeoutMs, which === 'lane' ? o.responseCap : o.passthroughCap, shutdown.signal)
      : exchange(req, exchangeOptions(which));

  function lane(target: string): Lane {
    let l = lanes.get(target);
    if (!l) {
      l = new Lane({
        target,
        events: options.events,
        send: (req) => send(req, 'lane'),
        record: (job: LaneJob, result, extras) =>
          recordDelivery(options.deliveries, options.events, {
            requestId: job.requestId,
            kind: 'forward',
            target: job.request.url,
            attempt: job.attempts,
            result,
            responseCap: o.responseCap,
            ...extras,
          }),
        retryForMs: o.retryForMs,
        initialDelayMs: o.retryInitialDelayMs,
        maxDelayMs: o.retryMaxDelayMs,
        clock,
      });
      lanes.set(target, l);
    }
    return l;
  }

  function track<T>(p: Promise<T>): Promise<T> {
    pending++;
    p.then(untrack, untrack);
    return p;
  }

  /**
   * Passthrough: one direct try (no waiting: the sender is on the line), answered with what the app said. `recorded`
   * is the request's history id, known once its commit is done: the exchange does not wait for it, its delivery row
   * does. Not committed (recorded is null): there is no row to hang the delivery on, and the pipeline answers 503.
   */
  async function direct(recorded: number | Promise<number | null>, req: OutgoingRequest, target: string): Promise<Answer> {
    const result = await send(req, 'direct');
    const answer =
      result.status === null
        ? failureAnswer(target, result)
        : { status: result.status, headers: answerHeaders(result.headers ?? []), body: result.body ?? Buffer.alloc(0) };
    const requestId = await recorded;
    if (requestId === null) return answer;
    // The delivery row keeps the status the sender gets: the request's own row is not rewritten for it.
    recordDelivery(options.deliveries, options.events, {
      requestId,
      kind: 'forward',
      target: req.url,
      attempt: 1,
      result,
      responseCap: o.responseCap,
      answerStatus: answer.status,
    });
    return answer;
  }

  const loopWarning = (id: number): void =>
    options.events.emit({
      type: 'warning',
      message: `#${id} not forwarded: it already went through this listener (${HOP_HEADER}: ${instanceId}), so forwarding it again would loop`,
      detail: { id, instanceId },
    });

  const targetsOf = (incoming: IncomingWebhook, verdict: Verdict | null): string[] =>
    selectTargets(options.routes ?? [], options.targets, {
      url: incoming.url,
      provider: verdict?.provider ?? null,
      eventType: verdict?.eventType ?? null,
    });

  const laneJob = (order: number, requestId: number, req: OutgoingRequest): Omit<LaneJob, 'settle'> => ({
    seq: order,
    requestId,
    request: req,
    attempts: 0,
    waitingSince: null,
  });

  const forwarder: Forwarder = {
    deliver(id: number, incoming: IncomingWebhook, verdict: Verdict | null, passthrough: boolean): Promise<Answer | null> {
      try {
        if (carriesHop(incoming.headers, instanceId)) {
          loopWarning(id);
          return Promise.resolve(null);
        }
        const targets = targetsOf(incoming, verdict);
        const order = ++seq;
        const inTurn = incoming.queued === true;
        // A relay backlog was answered 202 long ago: nobody waits for the app's answer (so no passthrough: the
        // configured answer goes back at once), and it must go in turn.
        const waits = passthrough && !inTurn;
        let answer: Promise<Answer> | null = null;
        const queued: Promise<void>[] = [];
        for (let i = 0; i < targets.length; i++) {
          const target = targets[i]!;
          const req = outgoingFor(incoming, target, outgoing);
          if (waits && i === 0) answer = track(direct(id, req, target));
          else queued.push(track(lane(target).submit(laneJob(order, id, req), inTurn)));
        }
        // The sender waits for the first target only; the others settle in the background (drain waits for them).
        if (passthrough) return answer ?? Promise.resolve(null);
        return (queued.length === 1 ? queued[0]! : Promise.all(queued)).then(toNull);
      } catch (err) {
        return Promise.reject(err); // as from an async function: the caller sees a rejection, never a throw
      }
    },

    passthrough(recorded: Promise<number | null>, incoming: IncomingWebhook, verdict: Verdict | null): Promise<Answer | null> {
      try {
        if (carriesHop(incoming.headers, instanceId)) {
          void recorded.then((id) => id !== null && loopWarning(id));
          return Promise.resolve(null);
        }
        const targets = targetsOf(incoming, verdict);
        if (targets.length === 0) return Promise.resolve(null);
        const order = ++seq;
        const answer = track(direct(recorded, outgoingFor(incoming, targets[0]!, outgoing), targets[0]!));
        // Other targets are delivered in the background, as in deliver(); their lane jobs need the history id.
        if (targets.length > 1)
          track(
            recorded.then((id) =>
              id === null ? undefined : Promise.all(targets.slice(1).map((t) => lane(t).submit(laneJob(order, id, outgoingFor(incoming, t, outgoing)), false))),
            ),
          );
        return answer;
      } catch (err) {
        return Promise.reject(err);
      }
    },

    /** Resolves once every delivery settled; waiting ones get drainGraceMs, then are recorded as failed. */
    async drain() {
      if (pending === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'grace'>((r) => (timer = setTimeout(() => r('grace'), o.drainGraceMs)));
      const first = await Promise.race([settled().then(() => 'done' as const), grace]);
      clearTimeout(timer);
      if (first === 'grace') {
        for (const l of lanes.values()) l.close();
        shutdown.abort();
        await settled();
        for (const l of lanes.values()) l.reopen();
        shutdown = new AbortController();
      }
    },

    async close() {
      // Shutdown: requests waiting for an unreachable app are given up now (recorded as not delivered) instead
      // of being retried through the grace period; only exchanges already in flight get drainGraceMs.
      for (const l of lanes.values()) l.close();
      await forwarder.drain();
      await h1?.close();
      await own?.close().catch(() => undefined);
    },
  };
  return forwarder;
}

const toNull = (): null => null;

const PLAIN_HTTP = /^http:\/\//i;

/**
 * One exchange through the lean client, with exchange()'s resend rule: h1-client resends a request whose kept-alive
 * socket closed under it by itself; node:http's `408` + `Connection: close` on an idle socket is resent here.
 */
async function viaH1(agent: H1Agent, req: OutgoingRequest, timeoutMs: number, keepBytes: number, signal: AbortSignal): Promise<Exchange> {
  const first = await agent.exchange(req, timeoutMs, { keepBytes, signal });
  if (!isStale(first)) return first;
  const second = await agent.exchange(req, timeoutMs, { keepBytes, signal });
  // Twice in a row is no longer an idle-socket race: the app drops the connection.
  return second.failure === 'stale' ? { ...second, failure: 'failed' } : second;
}
