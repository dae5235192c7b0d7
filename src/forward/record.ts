import type { EventHub } from '../core/events.js';
import type { DeliveryKind, NewDelivery } from '../core/types.js';
import type { DeliverySink } from '../store/index.js';
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
  /** Passthrough: the status the sender is answered with (the app's, or 502/504 when it failed). */
  answerStatus?: number;
}

/** One attempt → one `deliveries` row (queued with the write batcher) and one `delivery` event. */
export function recordDelivery(sink: DeliverySink, events: EventHub | undefined, input: RecordInput): NewDelivery & { id?: number } {
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
  if (input.answerStatus !== undefined) delivery.answerStatus = input.answerStatus;
  // Joins the next group commit rather than paying a commit of its own.
  sink.queueDelivery(delivery);
  events?.emit(
    input.waiting
      ? { type: 'delivery', requestId: input.requestId, delivery, waiting: input.waiting }
      : { type: 'delivery', requestId: input.requestId, delivery },
  );
  return delivery;
}
