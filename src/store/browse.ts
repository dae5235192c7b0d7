import type Database from 'better-sqlite3';
import type { Delivery, SignatureStatus, StoredRequest } from '../core/types.js';
import type { SqliteDatabase } from './open.js';
import { deliveryFromRow, REQUEST_COLUMNS, RESPONSE_STATUS_SQL, requestFromRow, type DeliveryRow, type RequestRow } from './rows.js';
import type { CompiledFilter } from './filter.js';

/** One line of the UI's list: the summary columns plus the newest delivery, never the body. */
export interface RowSummary {
  id: number;
  receivedAt: number;
  source: string;
  method: string;
  url: string;
  provider: string | null;
  eventType: string | null;
  signatureStatus: SignatureStatus | null;
  signatureReason: string | null;
  responseStatus: number | null;
  bodySize: number;
  duplicateOf: number | null;
  rejectedStatus: number | null;
  /** Newest delivery (forward or replay), if any. */
  delivery: { status: number | null; durationMs: number | null; error: string | null; count: number } | null;
}

interface SummaryRow {
  id: number;
  received_at: number;
  source: string;
  method: string;
  url: string;
  provider: string | null;
  event_type: string | null;
  signature_status: string | null;
  signature_reason: string | null;
  response_status: number | null;
  body_size: number;
  duplicate_of: number | null;
  rejected_status: number | null;
  d_status: number | null;
  d_ms: number | null;
  d_error: string | null;
  d_count: number;
}

const COLUMNS = `requests.id, received_at, source, method, url, provider, event_type, signature_status, signature_reason,
  ${RESPONSE_STATUS_SQL} AS response_status, body_size, duplicate_of, rejected_status,
  d.status AS d_status, d.duration_ms AS d_ms, d.error AS d_error,
  (SELECT count(*) FROM deliveries c WHERE c.request_id = requests.id) AS d_count`;
const FROM = `requests LEFT JOIN deliveries d ON d.id = (SELECT max(x.id) FROM deliveries x WHERE x.request_id = requests.id)`;

function toSummary(r: SummaryRow): RowSummary {
  return {
    id: r.id,
    receivedAt: r.received_at,
    source: r.source,
    method: r.method,
    url: r.url,
    provider: r.provider,
    eventType: r.event_type,
    signatureStatus: r.signature_status as SignatureStatus | null,
    signatureReason: r.signature_reason,
    responseStatus: r.response_status,
    bodySize: r.body_size,
    duplicateOf: r.duplicate_of,
    rejectedStatus: r.rejected_status,
    delivery: r.d_count > 0 ? { status: r.d_status, durationMs: r.d_ms, error: r.d_error, count: r.d_count } : null,
  };
}

/** Header figures over a range of ids. */
export interface Counts {
  total: number;
  signatureFailures: number;
  duplicates: number;
}

/**
 * Keyset reads of the history for the terminal UI: windows of rows by id, details on demand, counts by id range.
 * Nothing here reads the whole table at once; callers bound every scan with an id range (see scanOlder).
 */
export class Browser {
  private readonly stmts = new Map<string, Database.Statement<unknown[]>>();

  constructor(readonly db: SqliteDatabase) {}

  private stmt(sql: string): Database.Statement<unknown[]> {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  newestId(): number {
    return (this.stmt('SELECT max(id) AS m FROM requests').get() as { m: number | null }).m ?? 0;
  }

  oldestId(): number {
    return (this.stmt('SELECT min(id) AS m FROM requests').get() as { m: number | null }).m ?? 0;
  }

  /** Changes when another connection commits (cheap: no table read). */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Up to `limit` rows with `floor <= id < before`, newest first. With a filter, bound the range (`floor`):
   * SQLite walks ids downward and a rare term would otherwise scan the whole history in one call.
   */
  older(before: number, limit: number, filter: CompiledFilter | null = null, floor = 0): RowSummary[] {
    const cond = filter?.sql ? ` AND ${filter.sql}` : '';
    const sql = `SELECT ${COLUMNS} FROM ${FROM} WHERE requests.id < ? AND requests.id >= ?${cond} ORDER BY requests.id DESC LIMIT ?`;
    return (this.stmt(sql).all(before, floor, ...(filter?.params ?? []), limit) as SummaryRow[]).map(toSummary);
  }

  /** Up to `limit` rows with `after < id <= ceil` closest to `after`, returned newest first. */
  newer(after: number, limit: number, filter: CompiledFilter | null = null, ceil = Number.MAX_SAFE_INTEGER): RowSummary[] {
    const cond = filter?.sql ? ` AND ${filter.sql}` : '';
    const sql = `SELECT ${COLUMNS} FROM ${FROM} WHERE requests.id > ? AND requests.id <= ?${cond} ORDER BY requests.id ASC LIMIT ?`;
    return (this.stmt(sql).all(after, ceil, ...(filter?.params ?? []), limit) as SummaryRow[]).map(toSummary).reverse();
  }

  /** Matching rows with `lo <= id <= hi`, newest first (refreshing the rows on screen). */
  between(lo: number, hi: number, filter: CompiledFilter | null = null): RowSummary[] {
    return this.older(hi + 1, hi - lo + 1, filter, lo);
  }

  /** How many rows match with `lo <= id <= hi`. */
  count(lo: number, hi: number, filter: CompiledFilter | null = null): number {
    const cond = filter?.sql ? ` AND ${filter.sql}` : '';
    const sql = `SELECT count(*) AS n FROM requests WHERE id >= ? AND id <= ?${cond}`;
    return (this.stmt(sql).get(lo, hi, ...(filter?.params ?? [])) as { n: number }).n;
  }

  counts(lo: number, hi: number): Counts {
    const row = this.stmt(
      `SELECT count(*) AS total, IFNULL(sum(signature_status = 'invalid'), 0) AS bad, count(duplicate_of) AS dup
       FROM requests WHERE id >= ? AND id <= ?`,
    ).get(lo, hi) as { total: number; bad: number; dup: number };
    return { total: row.total, signatureFailures: row.bad, duplicates: row.dup };
  }

  newestDeliveryId(): number {
    return (this.stmt('SELECT max(id) AS m FROM deliveries').get() as { m: number | null }).m ?? 0;
  }

  /** Failed delivery attempts (no answer, or not 2xx) with `lo <= delivery id <= hi`. */
  failedDeliveries(lo: number, hi: number): number {
    return (this.stmt(
      `SELECT count(*) AS n FROM deliveries WHERE id >= ? AND id <= ? AND (status IS NULL OR status NOT BETWEEN 200 AND 299)`,
    ).get(lo, hi) as { n: number }).n;
  }

  /** Full rows (with bodies) matching `filter` with id above `after`, oldest first: a page of an export. */
  fullRowsAfter(after: number, limit: number, filter: CompiledFilter | null = null): StoredRequest[] {
    const cond = filter?.sql ? ` AND ${filter.sql}` : '';
    const sql = `SELECT ${REQUEST_COLUMNS} FROM requests WHERE id > ?${cond} ORDER BY id ASC LIMIT ?`;
    return (this.stmt(sql).all(after, ...(filter?.params ?? []), limit) as RequestRow[]).map(requestFromRow);
  }

  request(id: number): StoredRequest | null {
    const row = this.stmt(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(id) as RequestRow | undefined;
    return row ? requestFromRow(row) : null;
  }

  deliveries(requestId: number): Delivery[] {
    return (this.stmt('SELECT * FROM deliveries WHERE request_id = ? ORDER BY id').all(requestId) as DeliveryRow[]).map(deliveryFromRow);
  }
}

/** How a long scan gives the event loop back between chunks, and learns it is no longer wanted. */
export interface ScanControl {
  /** Ids examined per synchronous step (default 2000 for a scan, 2500 for a count: ~20 ms on 2 KB rows). */
  chunk?: number;
  /** Resolves when the caller may run the next step (e.g. `setImmediate`). */
  pause: () => Promise<void>;
  cancelled?: () => boolean;
  /** Told after every step, with the rows found so far (for a first screenful as soon as it exists). */
  progress?: (rows: RowSummary[]) => void;
}

export interface ScanResult {
  rows: RowSummary[];
  /** True when the scan reached the oldest row: there is nothing older to find. */
  exhausted: boolean;
  cancelled: boolean;
}

/**
 * Up to `need` filtered rows below `before`, newest first, found by scanning id ranges of `chunk` ids downward with
 * a pause between ranges, so a rare term on a large history never blocks keys for long.
 */
export async function scanOlder(
  b: Browser,
  before: number,
  need: number,
  filter: CompiledFilter | null,
  control: ScanControl,
): Promise<ScanResult> {
  if (!filter?.sql) {
    const rows = b.older(before, need);
    return { rows, exhausted: rows.length < need, cancelled: false };
  }
  const chunk = control.chunk ?? 2000;
  const oldest = b.oldestId();
  const rows: RowSummary[] = [];
  let upper = before;
  while (rows.length < need && upper > oldest) {
    const floor = Math.max(oldest, upper - chunk);
    rows.push(...b.older(upper, need - rows.length, filter, floor));
    upper = floor;
    control.progress?.(rows);
    if (rows.length >= need || upper <= oldest) break;
    await control.pause();
    if (control.cancelled?.()) return { rows, exhausted: false, cancelled: true };
  }
  return { rows, exhausted: upper <= oldest && rows.length < need, cancelled: false };
}

/** Count matches with `lo <= id <= hi` in chunks, newest first, pausing between chunks. Null when cancelled. */
export async function countInChunks(
  b: Browser,
  lo: number,
  hi: number,
  filter: CompiledFilter | null,
  control: ScanControl,
): Promise<number | null> {
  const chunk = control.chunk ?? 2500;
  let n = 0;
  for (let top = hi; top >= lo; top -= chunk) {
    n += b.count(Math.max(lo, top - chunk + 1), top, filter);
    if (top - chunk < lo) break;
    await control.pause();
    if (control.cancelled?.()) return null;
  }
  return n;
}
