import type { Delivery, IncomingWebhook, SignatureDetail, StoredRequest, Verdict } from '../core/types.js';
import { requestHeadJson } from '../store/exchange.js';

const NO_DETAIL: SignatureDetail = { code: null, diagnosis: null, warnings: [] };

export function signatureDetail(r: StoredRequest): SignatureDetail {
  return r.signatureDetail ?? NO_DETAIL;
}

let isoSecond = NaN;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()`, without a Date per call: every NDJSON line carries a time, and toISOString costs
 * more than the rest of the line. The text up to the second is kept and the milliseconds appended.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || Math.abs(ms) > 8.64e15) return new Date(ms).toISOString();
  const frac = ((ms % 1000) + 1000) % 1000;
  const second = ms - frac;
  if (second !== isoSecond) {
    const full = new Date(second).toISOString(); // throws like toISOString for out-of-range times
    if (!full.endsWith('.000Z')) return new Date(ms).toISOString();
    isoSecond = second;
    isoPrefix = full.slice(0, -4);
  }
  return `${isoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

export function deliveryToJson(d: Omit<Delivery, 'id'>): Record<string, unknown> {
  return {
    kind: d.kind,
    target: d.target,
    attempt: d.attempt,
    startedAt: isoTime(d.startedAt),
    status: d.status,
    durationMs: d.durationMs === null ? null : Math.round(d.durationMs * 10) / 10,
    error: d.error,
  };
}

/** The NDJSON `delivery` event: `event` and `requestId`, deliveryToJson's fields, then `waiting`. */
export function deliveryEventJson(requestId: number, d: Omit<Delivery, 'id'>, waiting: number): Record<string, unknown> {
  return Object.assign({ event: 'delivery', requestId }, deliveryToJson(d), { waiting });
}

/** The summary object `list --json` prints (no body); `show --json` adds the body and deliveries. */
export function requestSummaryJson(r: StoredRequest): Record<string, unknown> {
  const detail = signatureDetail(r);
  return {
    ...requestHeadJson(r),
    bodySize: r.bodySize,
    contentType: r.contentType,
    provider: r.provider,
    eventType: r.eventType,
    eventId: r.eventId,
    signature: r.signatureStatus
      ? { status: r.signatureStatus, reason: r.signatureReason, code: detail.code }
      : null,
    duplicateOf: r.duplicateOf,
    rejected: r.rejectedStatus ? { status: r.rejectedStatus, reason: r.rejectedReason } : null,
    /** The status the sender was answered with (null: not known, e.g. passthrough before the app answered). */
    status: r.responseStatus,
  };
}

/** The object `show --json` prints (design.md). */
export function requestToJson(r: StoredRequest, deliveries: Delivery[]): Record<string, unknown> {
  const detail = signatureDetail(r);
  const summary = requestSummaryJson(r);
  return {
    ...summary,
    bodyBase64: r.body.toString('base64'),
    signature: r.signatureStatus
      ? {
          status: r.signatureStatus,
          reason: r.signatureReason,
          code: detail.code,
          diagnosis: detail.diagnosis,
          warnings: detail.warnings,
        }
      : null,
    relayId: r.relayId,
    deliveries: deliveries.map(deliveryToJson),
  };
}

/** The NDJSON line for a request as it arrives. */
export function incomingEventJson(
  id: number,
  incoming: IncomingWebhook,
  verdict: Verdict | null,
  duplicateOf: number | null,
  status: number | null,
): Record<string, unknown> {
  return {
    event: 'request',
    id,
    receivedAt: isoTime(incoming.receivedAt),
    source: incoming.source,
    method: incoming.method,
    url: incoming.url,
    bodySize: incoming.rejected ? (incoming.declaredSize ?? 0) : incoming.body.length,
    status,
    provider: verdict?.provider ?? null,
    eventType: verdict?.eventType ?? null,
    eventId: verdict?.eventId ?? null,
    signature: verdict ? { status: verdict.status, reason: verdict.reason } : null,
    duplicateOf,
    rejected: incoming.rejected ?? null,
  };
}
