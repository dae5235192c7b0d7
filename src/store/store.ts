import type Database from 'better-sqlite3';
import type { Delivery, IncomingWebhook, NewDelivery, StoredRequest, Verdict } from '../core/types.js';
import { getHeader } from '../core/headers.js';
import { originalIdOf } from './exchange.js';
import { openDatabase } from './open.js';
import { ID_FLOOR_KEY } from './schema.js';
import {
  deliveryFromRow,
  REQUEST_COLUMNS,
  REQUEST_SUMMARY_COLUMNS,
  requestFromRow,
  signatureDetailColumn,
  type DeliveryRow,
  type RequestRow,
} from './rows.js';

/** A request ready to be written: what came in, plus what the signature layer said about it. */
export interface NewRequest {
  incoming: IncomingWebhook;
  verdict: Verdict | null;
  /** The status the sender will get, when known before the commit. */
  responseStatus?: number | null;
  /** Set by `import`: the exported original's key (see importKeyOf); a row with that key already is not added again. */
  importKey?: string | null;
  /** Delivery rows already known when the request is written (`send`: its first attempt), in the same transaction. */
  deliveries?: Array<Omit<NewDelivery, 'requestId'>>;
}

export interface InsertResult {
  id: number;
  /** The first request with the same provider event id, when this one repeats it. */
  duplicateOf: number | null;
  /** True when the request was already in the history (same relay id, or same import key): nothing was written. */
  redelivered: boolean;
}

/** One transaction's worth of writes (see WriteBatcher). */
export interface WriteBatch {
  requests: NewRequest[];
  deliveries: NewDelivery[];
  statuses: Array<[id: number, status: number]>;
}

export interface ListFilter {
  limit?: number;
  /** Only ids below this one (paging newest-first). */
  beforeId?: number;
  /** Only ids above this one (tailing). */
  afterId?: number;
  method?: string;
  pathContains?: string;
  /** Epoch ms. */
  since?: number;
  until?: number;
  provider?: string;
  /** Oldest first instead of newest first. */
  ascending?: boolean;
  ids?: { from: number; to: number };
}

export interface OpenOptions {
  readonly?: boolean;
  /** Refuse to open (ConfigError naming the path and why) unless a commit can happen: for writers. */
  mustWrite?: boolean;
}

/**
 * The history: one SQLite file in WAL mode so other processes can read while `listen` writes. A synchronous
 * repository: it queues nothing, so every read sees every write made so far (the WriteBatcher owns batching).
 */
export class Store {
  readonly db: Database.Database;
  readonly path: string;
  private readonly insertStmt: Database.Statement;
  private readonly insertRelayedStmt: Database.Statement;
  private readonly findEventStmt: Database.Statement;
  private readonly findRelayStmt: Database.Statement;
  private readonly findImportStmt: Database.Statement;
  private readonly findOriginalStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly writeTx: Database.Transaction<(batch: WriteBatch) => InsertResult[]>;
  private readonly deliveryStmt: Database.Statement;
  private readonly statusStmt: Database.Statement;
  private readonly floorStmt: Database.Statement;
  private readonly maxIdStmt: Database.Statement;
  private readonly dropFloorStmt: Database.Statement;

  constructor(path: string, options: OpenOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, options.readonly ?? false, options.mustWrite ?? false);
    const insert = `INSERT INTO requests (id, received_at, source, method, url, http_version, remote_addr, headers, body,
        body_size, content_type, provider, event_type, event_id, signature_status, signature_reason, signature_detail,
        duplicate_of, relay_id, rejected_status, rejected_reason, response_status, import_key, local_port)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    this.insertStmt = this.db.prepare(insert);
    // A relayed request the relay sent again (it had not seen our ack) is already here: the unique index on relay_id
    // says so, instead of a lookup before every relayed insert.
    this.insertRelayedStmt = this.db.prepare(`${insert} ON CONFLICT(relay_id) WHERE relay_id IS NOT NULL DO NOTHING`);
    this.findEventStmt = this.db.prepare(
      `SELECT id FROM requests WHERE provider = ? AND event_id = ? ORDER BY id LIMIT 1`,
    );
    this.findRelayStmt = this.db.prepare(`SELECT id FROM requests WHERE relay_id = ?`);
    this.findImportStmt = this.db.prepare(`SELECT id FROM requests WHERE import_key = ?`);
    // The original itself, when a file is imported back into the history it was exported from.
    this.findOriginalStmt = this.db.prepare(
      `SELECT id FROM requests WHERE id = ? AND received_at = ? AND body = ? AND import_key IS NULL`,
    );
    this.getStmt = this.db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`);
    this.floorStmt = this.db.prepare(`SELECT value FROM meta WHERE key = '${ID_FLOOR_KEY}'`).pluck();
    this.maxIdStmt = this.db.prepare(`SELECT MAX(id) FROM requests`).pluck();
    this.dropFloorStmt = this.db.prepare(`DELETE FROM meta WHERE key = '${ID_FLOOR_KEY}'`);
    this.writeTx = this.db.transaction((batch: WriteBatch) => {
      // Set right after a prune removed the newest requests: the id the first new request takes.
      let floorId = batch.requests.length ? this.idAboveFloor() : null;
      const results = batch.requests.map((item) => {
        const r = this.insertOne(item, floorId);
        if (floorId !== null && !r.redelivered) {
          floorId = null;
          this.dropFloorStmt.run();
        }
        if (item.deliveries && !r.redelivered) for (const d of item.deliveries) this.runDelivery({ ...d, requestId: r.id });
        return r;
      });
      for (const d of batch.deliveries) this.runDelivery(d);
      for (const [id, status] of batch.statuses) this.statusStmt.run(status, id);
      return results;
    });
    this.deliveryStmt = this.db.prepare(
      `INSERT INTO deliveries (request_id, kind, target, attempt, started_at, duration_ms, status, response_headers,
        response_body, response_truncated, error, answer_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.statusStmt = this.db.prepare(`UPDATE requests SET response_status = ? WHERE id = ?`);
  }

  /**
   * Write requests, delivery rows and answer statuses in one transaction; returns one result per request, in order.
   * IMMEDIATE takes the write lock up front: a deferred transaction that reads first (duplicate checks)
   * would fail with SQLITE_BUSY instead of waiting when another connection writes meanwhile.
   * Queuing and timing belong to the WriteBatcher (batcher.ts); this writes at once.
   */
  writeBatch(batch: WriteBatch): InsertResult[] {
    return this.writeTx.immediate(batch);
  }

  /**
   * After a prune removed the newest requests SQLite would hand their ids out again (it picks the highest id + 1),
   * so the prune left the highest id it removed in meta (ID_FLOOR_KEY): the id the first new request must take, or
   * null for SQLite's own choice. One lookup in meta's single page per batch; the row goes once an id is above it.
   */
  private idAboveFloor(): number | null {
    const floor = this.floorStmt.get() as string | undefined;
    if (floor === undefined) return null;
    const id = Number(floor) + 1;
    if (this.maxId() < id) return id;
    this.dropFloorStmt.run(); // another writer already went past it
    return null;
  }

  /** Write many requests in one transaction. */
  insertMany(items: NewRequest[]): InsertResult[] {
    return this.writeBatch({ requests: items, deliveries: [], statuses: [] });
  }

  isOpen(): boolean {
    return this.db.open;
  }

  /** `id`: null for SQLite's choice (the highest + 1), or the id the row must take (see idAboveFloor). */
  private insertOne({ incoming, verdict, responseStatus, importKey }: NewRequest, id: number | null): InsertResult {
    if (importKey) {
      const seen = (this.findImportStmt.get(importKey) ??
        this.findOriginalStmt.get(originalIdOf(importKey), incoming.receivedAt, incoming.body)) as { id: number } | undefined;
      if (seen) return { id: seen.id, duplicateOf: null, redelivered: true };
    }
    let duplicateOf: number | null = null;
    if (verdict?.provider && verdict.eventId) {
      const first = this.findEventStmt.get(verdict.provider, verdict.eventId) as { id: number } | undefined;
      duplicateOf = first?.id ?? null;
    }
    const detail = verdict ? signatureDetailColumn(verdict) : null;
    const info = (incoming.relayId ? this.insertRelayedStmt : this.insertStmt).run(
      id,
      incoming.receivedAt,
      incoming.source,
      incoming.method,
      incoming.url,
      incoming.httpVersion,
      incoming.remoteAddr,
      JSON.stringify(incoming.headers),
      incoming.body,
      incoming.rejected ? (incoming.declaredSize ?? incoming.body.length) : incoming.body.length,
      getHeader(incoming.headers, 'content-type') ?? null,
      verdict?.provider ?? null,
      verdict?.eventType ?? null,
      verdict?.eventId ?? null,
      verdict?.status ?? null,
      verdict?.reason ?? null,
      detail,
      duplicateOf,
      incoming.relayId ?? null,
      incoming.rejected?.status ?? null,
      incoming.rejected?.reason ?? null,
      responseStatus ?? incoming.rejected?.status ?? null,
      importKey ?? null,
      incoming.localPort ?? null,
    );
    if (info.changes === 0) {
      const seen = this.findRelayStmt.get(incoming.relayId) as { id: number } | undefined;
      if (!seen) throw new Error(`request with relay id ${incoming.relayId} was neither written nor found`);
      return { id: seen.id, duplicateOf: null, redelivered: true };
    }
    return { id: Number(info.lastInsertRowid), duplicateOf, redelivered: false };
  }

  get(id: number): StoredRequest | null {
    const row = this.getStmt.get(id) as RequestRow | undefined;
    return row ? requestFromRow(row) : null;
  }

  last(): StoredRequest | null {
    const row = this.db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests ORDER BY id DESC LIMIT 1`).get() as RequestRow | undefined;
    return row ? requestFromRow(row) : null;
  }

  maxId(): number {
    return (this.maxIdStmt.get() as number | null) ?? 0;
  }

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM requests`).get() as { n: number }).n;
  }

  /** Cheap change check for watchers in other processes. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  private where(filter: ListFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.beforeId !== undefined) (clauses.push('id < ?'), params.push(filter.beforeId));
    if (filter.afterId !== undefined) (clauses.push('id > ?'), params.push(filter.afterId));
    if (filter.ids) (clauses.push('id BETWEEN ? AND ?'), params.push(filter.ids.from, filter.ids.to));
    if (filter.method) (clauses.push('method = ?'), params.push(filter.method.toUpperCase()));
    if (filter.pathContains) {
      clauses.push(`instr(url, ?) > 0`);
      params.push(filter.pathContains);
    }
    if (filter.since !== undefined) (clauses.push('received_at >= ?'), params.push(filter.since));
    if (filter.until !== undefined) (clauses.push('received_at <= ?'), params.push(filter.until));
    if (filter.provider) (clauses.push('provider = ?'), params.push(filter.provider));
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** Summaries (no body), newest first unless `ascending`. Pages by id, so it stays fast on big histories. */
  list(filter: ListFilter = {}): StoredRequest[] {
    const { sql, params } = this.where(filter);
    const order = filter.ascending ? 'ASC' : 'DESC';
    const limit = filter.limit ?? 50;
    const rows = this.db
      .prepare(`SELECT ${REQUEST_SUMMARY_COLUMNS} FROM requests ${sql} ORDER BY id ${order} LIMIT ?`)
      .all(...params, limit) as RequestRow[];
    return rows.map(requestFromRow);
  }

  /** Every matching request with its body, oldest first, streamed row by row (export). */
  *iterate(filter: ListFilter = {}): Generator<StoredRequest> {
    const { sql, params } = this.where(filter);
    const limit = filter.limit ?? -1;
    const stmt = this.db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests ${sql} ORDER BY id ASC LIMIT ?`);
    for (const row of stmt.iterate(...params, limit) as Iterable<RequestRow>) yield requestFromRow(row);
  }

  /** Write one delivery now, in its own transaction; returns its id. */
  addDelivery(d: NewDelivery): number {
    return this.runDelivery(d);
  }

  private runDelivery(d: NewDelivery): number {
    const info = this.deliveryStmt.run(
      d.requestId,
      d.kind,
      d.target,
      d.attempt,
      d.startedAt,
      d.durationMs,
      d.status,
      d.responseHeaders ? JSON.stringify(d.responseHeaders) : null,
      d.responseBody,
      d.responseTruncated ? 1 : 0,
      d.error,
      d.answerStatus ?? null,
    );
    return Number(info.lastInsertRowid);
  }

  deliveries(requestId: number): Delivery[] {
    const rows = this.db
      .prepare(`SELECT * FROM deliveries WHERE request_id = ? ORDER BY id`)
      .all(requestId) as DeliveryRow[];
    return rows.map(deliveryFromRow);
  }

  /** The newest delivery's full target URL and the captured path of its request (to find the base it was sent to). */
  lastDelivery(): { target: string; requestUrl: string } | null {
    const row = this.db
      .prepare(`SELECT d.target AS target, r.url AS url FROM deliveries d JOIN requests r ON r.id = d.request_id ORDER BY d.id DESC LIMIT 1`)
      .get() as { target: string; url: string } | undefined;
    return row ? { target: row.target, requestUrl: row.url } : null;
  }

  /** A small setting kept with the history (the `meta` table), e.g. where replays go by default. */
  getMeta(key: string): string | null {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  /** Delete requests older than a time and/or beyond the newest `keep`; returns how many went. */
  prune(opts: { olderThan?: number; keep?: number }): number {
    return this.db.transaction(() => {
      const highest = this.maxId();
      let removed = 0;
      if (opts.olderThan !== undefined) {
        removed += this.db.prepare(`DELETE FROM requests WHERE received_at < ?`).run(opts.olderThan).changes;
      }
      if (opts.keep !== undefined) {
        removed += this.db
          .prepare(
            `DELETE FROM requests WHERE id <= (SELECT id FROM requests ORDER BY id DESC LIMIT 1 OFFSET ?)`,
          )
          .run(opts.keep).changes;
      }
      // The newest went too: the next request must not take its id again (see idAboveFloor).
      if (this.maxId() < highest) {
        const floor = Math.max(highest, Number(this.getMeta(ID_FLOOR_KEY) ?? 0));
        this.setMeta(ID_FLOOR_KEY, String(floor));
      }
      return removed;
    })();
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
  }
}

export function openStore(path: string, options: OpenOptions = {}): Store {
  return new Store(path, options);
}
