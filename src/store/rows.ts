import {
  isReasonCode,
  REQUEST_SOURCES,
  SIGNATURE_STATUSES,
  type Delivery,
  type HeaderList,
  type RequestSource,
  type SignatureDetail,
  type SignatureStatus,
  type StoredRequest,
  type Verdict,
} from '../core/types.js';

/**
 * The status the sender was answered with. Known before the commit it is in `requests.response_status`; a passthrough
 * answer is known only after the forward, and is kept on the delivery row it came from (schema 5,
 * `deliveries.answer_status`), so a request's page is not written a second time. Read through this expression
 * wherever `response_status` is read or filtered on (the subquery runs only for rows without their own status).
 */
export const RESPONSE_STATUS_SQL = `coalesce(requests.response_status, (SELECT a.answer_status FROM deliveries a WHERE a.request_id = requests.id AND a.answer_status IS NOT NULL LIMIT 1))`;

/** Every column of `requests` as a RequestRow, with `body` as given (the column, or NULL for summaries). */
const requestColumns = (body: 'body' | 'NULL AS body'): string => `requests.id, received_at, source, method, url, http_version,
  remote_addr, headers, ${body}, body_size, content_type, provider, event_type, event_id, signature_status, signature_reason,
  signature_detail, duplicate_of, relay_id, rejected_status, rejected_reason, ${RESPONSE_STATUS_SQL} AS response_status,
  import_key, local_port`;

/** For `SELECT … FROM requests` (instead of `*`). */
export const REQUEST_COLUMNS = requestColumns('body');

/** The same without the body: lists never need it. */
export const REQUEST_SUMMARY_COLUMNS = requestColumns('NULL AS body');

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
  import_key: string | null;
  /** Migration 3; absent from rows read with an explicit column list that predates it. */
  local_port?: number | null;
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

/** A stored header list; pairs that are not two strings (another version's bug) are left out, never thrown on. */
function parseHeaders(json: string): HeaderList {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

/** The `signature_detail` column: the verdict's code, diagnosis and warnings, as one JSON text. */
export function signatureDetailColumn(v: Pick<Verdict, 'code' | 'diagnosis' | 'warnings' | 'secretHint'>): string {
  return JSON.stringify({ code: v.code ?? null, diagnosis: v.diagnosis ?? null, warnings: v.warnings ?? [], ...(v.secretHint ? { secretHint: v.secretHint } : {}) });
}

/** A masked secret as maskSecret writes it (stars, then at most the last 4 characters): anything else is dropped. */
const SECRET_HINT = /^\*{1,8}.{0,4}$/;

/** Read back once, here: a column another version wrote oddly yields nulls, never a throw. */
export function parseSignatureDetail(json: string | null): SignatureDetail | null {
  if (json === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  return {
    code: isReasonCode(o.code) ? o.code : null,
    diagnosis: typeof o.diagnosis === 'string' ? o.diagnosis : null,
    warnings: Array.isArray(o.warnings) ? o.warnings.filter((w): w is string => typeof w === 'string') : [],
    secretHint: typeof o.secretHint === 'string' && SECRET_HINT.test(o.secretHint) ? o.secretHint : null,
  };
}

const STATUSES: ReadonlySet<string> = new Set(SIGNATURE_STATUSES);
const SOURCES: ReadonlySet<string> = new Set<RequestSource>(REQUEST_SOURCES);

export function requestFromRow(row: RequestRow): StoredRequest {
  return {
    id: row.id,
    receivedAt: row.received_at,
    // Rows imported by older versions said 'import'; unknown values read as that too.
    source: (SOURCES.has(row.source) ? row.source : 'import') as RequestSource,
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
    signatureStatus: row.signature_status !== null && STATUSES.has(row.signature_status) ? (row.signature_status as SignatureStatus) : null,
    signatureReason: row.signature_reason,
    signatureDetail: parseSignatureDetail(row.signature_detail),
    duplicateOf: row.duplicate_of,
    relayId: row.relay_id,
    localPort: row.local_port ?? null,
    rejectedStatus: row.rejected_status,
    rejectedReason: row.rejected_reason,
    // A refused request was answered with its refusal; rows written before that was stored say 200.
    responseStatus: row.rejected_status ?? row.response_status,
    importKey: row.import_key,
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
