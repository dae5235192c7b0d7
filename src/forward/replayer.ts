import type { Dispatcher } from 'undici';
import type { EventHub } from '../core/events.js';
import type { StoredRequest } from '../core/types.js';
import type { DeliverySink } from '../store/index.js';
import { createFreshClient, createPool } from './client.js';
import { exchange, type Exchange, type OutgoingRequest } from './exchange.js';
import { FORWARD_DEFAULTS } from './index.js';
import { recordDelivery } from './record.js';
import type { PlannedSend } from './replay.js';

export interface ReplayRunOptions {
  /** Where each send's delivery row goes. */
  deliveries: DeliverySink;
  /** Receives one `delivery` event per send (the renderers print them). */
  events: EventHub;
  plan: PlannedSend<StoredRequest>[];
  /** Builds each request just before it goes (so a re-signed timestamp is fresh even after long delays). */
  prepare: (request: StoredRequest, copy: number) => OutgoingRequest;
  /** Pause between sends. */
  delayMs?: number;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  responseCap?: number;
  dispatcher?: Dispatcher;
  clock?: () => number;
}

/** Send the plan one by one (order is the point of a replay run); each send is a `replay` delivery of its request. */
export async function runReplays(o: ReplayRunOptions): Promise<Exchange[]> {
  const connectTimeoutMs = o.connectTimeoutMs ?? FORWARD_DEFAULTS.connectTimeoutMs;
  const own = o.dispatcher ? null : createPool({ connectTimeoutMs });
  const results: Exchange[] = [];
  try {
    for (const [i, step] of o.plan.entries()) {
      if (i > 0 && o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      const req = o.prepare(step.request, step.copy);
      const result = await exchange(req, {
        dispatcher: o.dispatcher ?? own!,
        totalTimeoutMs: o.totalTimeoutMs ?? FORWARD_DEFAULTS.totalTimeoutMs,
        keepBytes: o.responseCap ?? FORWARD_DEFAULTS.responseCap,
        fresh: own ? (origin) => createFreshClient(origin, { connectTimeoutMs }) : undefined,
        clock: o.clock,
      });
      recordDelivery(o.deliveries, o.events, {
        requestId: step.request.id,
        kind: 'replay',
        target: req.url,
        attempt: step.copy,
        result,
        responseCap: o.responseCap ?? FORWARD_DEFAULTS.responseCap,
      });
      results.push(result);
    }
  } finally {
    await own?.close().catch(() => undefined);
  }
  return results;
}
