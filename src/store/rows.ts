import type { Delivery, HeaderList, StoredRequest } from '../core/types.js';

/** The columns of `requests` as better-sqlite3 returns them. */
export interface RequestRow {
  id: number;
  received_at: number;
  source: string;
  method: string;
  url: string;
  http_version: string;
  remote_addr: string;
  headers: string;
  body: Buffer | null;
  body_size: number;
  content_type: string | null;
  provider: string | null;
  event_type: string | null;
  event_id: string | null;
  signature_status: string | null;
  signature_reason: string | null;
  signature_detail: string | null;
  duplicate_of: number | null;
  relay_id: string | null;
  rejected_status: number | null;
  rejected_reason: string | null;
  response_status: number | null;
}

export interface DeliveryRow {
  id: number;
  request_id: number;
  kind: string;
  target: string;
  attempt: number;
  started_at: number;
  duration_ms: number | null;
  status: number | null;
  response_headers: string | null;
  response_body: Buffer | null;
  response_truncated: number;
  error: string | null;
}

function parseHeaders(json: string): HeaderList {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as HeaderList) : [];
  } catch {
    return [];
  }
}

export function requestFromRow(row: RequestRow): StoredRequest {
  return {
    id: row.id,
    receivedAt: row.received_at,
    source: row.source as StoredRequest['source'],
    method: row.method,
    url: row.url,
    httpVersion: row.http_version,
    remoteAddr: row.remote_addr,
    headers: parseHeaders(row.headers),
    body: row.body ?? Buffer.alloc(0),
    bodySize: row.body_size,
    contentType: row.content_type,
    provider: row.provider,
    eventType: row.event_type,
    eventId: row.event_id,
    signatureStatus: row.signature_status as StoredRequest['signatureStatus'],
    signatureReason: row.signature_reason,
    signatureDetail: row.signature_detail,
    duplicateOf: row.duplicate_of,
    relayId: row.relay_id,
    rejectedStatus: row.rejected_status,
    rejectedReason: row.rejected_reason,
    responseStatus: row.response_status,
  };
}

export function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    requestId: row.request_id,
    kind: row.kind as Delivery['kind'],
    target: row.target,
    attempt: row.attempt,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    status: row.status,
    responseHeaders: row.response_headers ? parseHeaders(row.response_headers) : null,
    responseBody: row.response_body,
    responseTruncated: row.response_truncated === 1,
    error: row.error,
  };
}
