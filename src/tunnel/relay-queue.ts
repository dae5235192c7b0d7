/**
 * The relay's own durable queue (its own SQLite file, not the user's history).
 * A request is written here before it is sent to the client and deleted only when the client acks it,
 * so a crash of either side loses nothing (at-least-once).
 *
 * Group commit: writes made in one turn of the event loop share one transaction, committed at the end of
 * the turn (a commit per request and per ack cost more than relaying the request). Whoever promises
 * durability to a sender (the 202 "queued" answer) awaits `flushed()` first. A request answered by the
 * client needs no such wait: the client has committed it to its own history before answering.
 */
import { openSqlite, type SqliteDatabase } from '../store/open.js';
import type { HeaderList } from '../core/types.js';

export interface QueuedRequest {
  /** Arrival order across restarts (AUTOINCREMENT: never reused, even after the table empties). */
  seq: number;
  id: string;
  channel: string;
  method: string;
  path: string;
  headers: HeaderList;
  body: Buffer;
  receivedAt: number;
  remoteAddr: string;
  httpVersion: string;
}

export type NewQueuedRequest = Omit<QueuedRequest, 'seq'>;

export interface QueueLimits {
  /** Max queued requests per channel. */
  maxCount: number;
  /** Max queued body bytes per channel. */
  maxBytes: number;
}

export interface Depth {
  count: number;
  bytes: number;
}

export type EnqueueResult = { ok: true; seq: number } | { ok: false; reason: 'full' };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL,
  body_size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  remote_addr TEXT NOT NULL,
  http_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_channel_seq ON queue(channel, seq);
CREATE TABLE IF NOT EXISTS channels (
  name TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
`;

interface Row {
  seq: number;
  id: string;
  channel: string;
  method: string;
  path: string;
  headers: string;
  body: Buffer;
  received_at: number;
  remote_addr: string;
  http_version: string;
}

export class RelayQueue {
  private readonly db: SqliteDatabase;
  /** Per-channel depth kept in memory (this process owns the file) so the cap check is O(1). */
  private readonly depthByChannel = new Map<string, Depth>();
  private readonly known = new Set<string>();
  private readonly stmts;
  private txOpen = false;
  private commitWaiters: Array<() => void> = [];

  constructor(
    path: string,
    private readonly limits: QueueLimits,
  ) {
    this.db = openSqlite(path);
    if (this.db.pragma('page_count', { simple: true }) === 0) this.db.pragma('page_size = 8192');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO queue (id, channel, method, path, headers, body, body_size, received_at, remote_addr, http_version)
         VALUES (@id, @channel, @method, @path, @headers, @body, @bodySize, @receivedAt, @remoteAddr, @httpVersion)`,
      ),
      del: this.db.prepare('DELETE FROM queue WHERE id = ? AND channel = ? RETURNING body_size'),
      sizes: this.db.prepare('SELECT seq, body_size FROM queue WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?'),
      pending: this.db.prepare('SELECT * FROM queue WHERE channel = ? AND seq > ? AND seq <= ? ORDER BY seq'),
      touch: this.db.prepare(
        `INSERT INTO channels (name, first_seen, last_seen) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
    };
    for (const r of this.db
      .prepare('SELECT channel, COUNT(*) AS count, COALESCE(SUM(body_size), 0) AS bytes FROM queue GROUP BY channel')
      .all() as Array<{ channel: string; count: number; bytes: number }>)
      this.depthByChannel.set(r.channel, { count: r.count, bytes: r.bytes });
    for (const r of this.db.prepare('SELECT name FROM channels').all() as Array<{ name: string }>)
      this.known.add(r.name);
  }

  enqueue(req: NewQueuedRequest): EnqueueResult {
    const d = this.depth(req.channel);
    if (d.count + 1 > this.limits.maxCount || d.bytes + req.body.length > this.limits.maxBytes)
      return { ok: false, reason: 'full' };
    this.begin();
    const info = this.stmts.insert.run({
      ...req,
      headers: JSON.stringify(req.headers),
      bodySize: req.body.length,
    });
    this.depthByChannel.set(req.channel, { count: d.count + 1, bytes: d.bytes + req.body.length });
    return { ok: true, seq: Number(info.lastInsertRowid) };
  }

  /** Delete an acked request. Scoped by channel: a client can only ack its own channel's rows. */
  ack(channel: string, id: string): boolean {
    this.begin();
    const row = this.stmts.del.get(id, channel) as { body_size: number } | undefined;
    if (!row) return false;
    const d = this.depth(channel);
    this.depthByChannel.set(channel, { count: Math.max(0, d.count - 1), bytes: Math.max(0, d.bytes - row.body_size) });
    return true;
  }

  /**
   * Unacked requests of a channel after `afterSeq`, oldest first: at most `limit` rows and, past the first,
   * at most `maxBytes` of bodies (a page of 25 MB bodies must not land in memory at once).
   */
  pending(channel: string, afterSeq = 0, limit = 100, maxBytes = 32 * 1024 * 1024): QueuedRequest[] {
    const sizes = this.stmts.sizes.all(channel, afterSeq, limit) as Array<{ seq: number; body_size: number }>;
    if (sizes.length === 0) return [];
    let last = sizes[0]!.seq;
    let total = sizes[0]!.body_size;
    for (const r of sizes.slice(1)) {
      if (total + r.body_size > maxBytes) break;
      total += r.body_size;
      last = r.seq;
    }
    return (this.stmts.pending.all(channel, afterSeq, last) as Row[]).map(toQueued);
  }

  depth(channel: string): Depth {
    return this.depthByChannel.get(channel) ?? { count: 0, bytes: 0 };
  }

  depths(): Array<[string, Depth]> {
    return [...this.depthByChannel];
  }

  /** Record that a client claimed this channel; the relay only accepts traffic for known channels. */
  touchChannel(channel: string, now: number): void {
    this.begin();
    this.stmts.touch.run(channel, now, now);
    this.known.add(channel);
  }

  isKnownChannel(channel: string): boolean {
    return this.known.has(channel);
  }

  /** Resolves once every write made so far is committed. */
  flushed(): Promise<void> {
    if (!this.txOpen) return Promise.resolve();
    return new Promise((resolve) => this.commitWaiters.push(resolve));
  }

  private begin(): void {
    if (this.txOpen) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.txOpen = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    if (!this.txOpen) return;
    this.txOpen = false;
    try {
      this.db.exec('COMMIT');
    } catch {
      // Disk full or the like: nothing of this turn is durable. Waiters are still released (the sender gets its
      // answer); the relay's log shows the failure through the caller's next write error.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
    for (const w of this.commitWaiters.splice(0)) w();
  }

  close(): void {
    if (!this.db.open) return;
    this.commit();
    this.db.close();
  }
}

function toQueued(r: Row): QueuedRequest {
  let headers: HeaderList = [];
  try {
    headers = JSON.parse(r.headers) as HeaderList;
  } catch {
    // Written by us as JSON; an unreadable row still delivers its body.
  }
  return {
    seq: r.seq,
    id: r.id,
    channel: r.channel,
    method: r.method,
    path: r.path,
    headers,
    body: r.body,
    receivedAt: r.received_at,
    remoteAddr: r.remote_addr,
    httpVersion: r.http_version,
  };
}
