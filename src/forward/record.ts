import type { EventHub } from '../core/events.js';
import type { DeliveryKind, NewDelivery } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { Exchange } from './exchange.js';

export interface RecordInput {
  requestId: number;
  kind: DeliveryKind;
  /** The URL the request went to (after joining paths). */
  target: string;
  attempt: number;
  result: Exchange;
  /** Body bytes kept in the history. */
  responseCap: number;
  /** Requests queued behind this target while it is unreachable. */
  waiting?: number;
  /** Replaces the exchange's error text (e.g. "gave up after 60s: connection refused"). */
  error?: string;
}

/** One attempt → one `deliveries` row and one `delivery` event. A failing write is reported, never thrown. */
export function recordDelivery(store: Store, events: EventHub | undefined, input: RecordInput): NewDelivery & { id?: number } {
  const r = input.result;
  const body = r.body && r.body.length > input.responseCap ? r.body.subarray(0, input.responseCap) : r.body;
  const delivery: NewDelivery & { id?: number } = {
    requestId: input.requestId,
    kind: input.kind,
    target: input.target,
    attempt: input.attempt,
    startedAt: r.startedAt,
    durationMs: Math.round(r.durationMs * 10) / 10,
    status: r.status,
    responseHeaders: r.headers,
    responseBody: body,
    responseTruncated: r.truncated || (r.body !== null && r.body.length > input.responseCap),
    error: input.error ?? r.error,
  };
  try {
    delivery.id = store.addDelivery(delivery);
  } catch (err) {
    events?.emit({ type: 'error', message: `could not save delivery of #${input.requestId}: ${(err as Error).message}` });
  }
  events?.emit({
    type: 'delivery',
    requestId: input.requestId,
    delivery,
    ...(input.waiting ? { waiting: input.waiting } : {}),
  });
  return delivery;
}
