/**
 * The relay's own durable queue (its own SQLite file, not the user's history).
 * A request is written here before it is sent to the client and deleted only when the client acks it,
 * so a crash of either side loses nothing that a sender was told is safe (at-least-once).
 *
 * Group commit: writes share one transaction, committed after a short grace period (a commit per request and
 * per ack cost more than relaying the request, and most rows are acked within the grace and never written).
 * Whoever promises durability to a sender (the 202 "queued" answer) awaits `flushed()`, which commits at once.
 * A request answered by the client needs no such wait: the client has committed it to its own history before
 * answering.
 */
import { nextTurn } from '../core/turn.js';
import type { HeaderList } from '../core/types.js';
import { openWritableSqlite, type SqliteDatabase, type SqliteTransaction } from '../store/open.js';
import type { Depth, NewQueuedRequest, QueuedRequest } from './relay-store.js';
import { IdMap } from '../core/id-map.js';

export type { Depth, NewQueuedRequest, QueuedRequest };

export interface QueueLimits {
  /** Max queued requests per channel. */
  maxCount: number;
  /** Max queued body bytes per channel. */
  maxBytes: number;
}

export type EnqueueResult = { ok: true; seq: number } | { ok: false; reason: 'full' };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
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

/** A queue row as read back: the columns under their field names (aliased in the SELECT), headers still JSON. */
type Row = Omit<QueuedRequest, 'headers' | 'replyTo'> & { headers: string };

/** How long an unacked request stays in memory only (see scheduleCommit). */
const ACK_GRACE_MS = 50;

interface Unwritten {
  row: QueuedRequest;
  /** When it was queued (monotonic ms): the timer commit writes only rows older than the grace. */
  at: number;
}

export class RelayQueue {
  private readonly db: SqliteDatabase;
  /** Per-channel depth kept in memory (this process owns the file) so the cap check is O(1). */
  private readonly depthByChannel = new Map<string, Depth>();
  /** Every queued id (written or not yet), with what an ack needs: O(1) acks scoped by channel. */
  private readonly queued = new IdMap<{ channel: string; bytes: number }>();
  private readonly known = new Set<string>();
  private readonly stmts;
  private readonly writeTx: SqliteTransaction<(rows: QueuedRequest[], acked: Array<[string, string]>) => void>;
  /** Highest seq handed out (AUTOINCREMENT's sqlite_sequence at open): assigned at enqueue, in arrival order. */
  private lastSeq: number;
  /** Enqueued, not yet inserted: an ack before the commit means the row never touches the disk. */
  private unwritten = new IdMap<Unwritten>();
  /** Acked rows already on disk, deleted with the next commit. */
  private acked: Array<[channel: string, id: string]> = [];
  /** A commit is due: after ACK_GRACE_MS (timer), or in the next turn when someone waits for it (`soon`). */
  private commitTimer: NodeJS.Timeout | null = null;
  private commitSoon = false;
  private commitWaiters: Array<(committed: boolean) => void> = [];

  constructor(
    path: string,
    private readonly limits: QueueLimits,
    /** Monotonic ms, for the grace of unwritten rows. */
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.db = openWritableSqlite(path, { name: 'the relay queue', hint: 'pass --db PATH (or set HOOKDEV_RELAY_DB) in an existing folder' }, (db) => {
      db.exec(SCHEMA);
      // Queues written before the public URL was kept per request.
      const cols = db.prepare('PRAGMA table_info(queue)').all() as Array<{ name: string }>;
      if (!cols.some((c) => c.name === 'url')) db.exec("ALTER TABLE queue ADD COLUMN url TEXT NOT NULL DEFAULT ''");
    });
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO queue (seq, id, channel, method, path, url, headers, body, body_size, received_at, remote_addr, http_version)
         VALUES (@seq, @id, @channel, @method, @path, @url, @headers, @body, @bodySize, @receivedAt, @remoteAddr, @httpVersion)`,
      ),
      del: this.db.prepare('DELETE FROM queue WHERE id = ? AND channel = ?'),
      sizes: this.db.prepare('SELECT seq, body_size FROM queue WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?'),
      pending: this.db.prepare(
        `SELECT seq, id, channel, method, path, url, headers, body,
                received_at AS receivedAt, remote_addr AS remoteAddr, http_version AS httpVersion
         FROM queue WHERE channel = ? AND seq > ? AND seq <= ? ORDER BY seq`,
      ),
      touch: this.db.prepare(
        `INSERT INTO channels (name, first_seen, last_seen) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
    };
    this.writeTx = this.db.transaction((rows: QueuedRequest[], acked: Array<[string, string]>) => {
      for (const r of rows)
        // The named parameters are the fields' own names; better-sqlite3 ignores the extra `replyTo`.
        this.stmts.insert.run({ ...r, headers: JSON.stringify(r.headers), bodySize: r.body.length });
      for (const [channel, id] of acked) this.stmts.del.run(id, channel);
    });
    for (const r of this.db.prepare('SELECT id, channel, body_size FROM queue').iterate() as Iterable<{
      id: string;
      channel: string;
      body_size: number;
    }>) {
      this.queued.set(r.id, { channel: r.channel, bytes: r.body_size });
      const d = this.depth(r.channel);
      this.depthByChannel.set(r.channel, { count: d.count + 1, bytes: d.bytes + r.body_size });
    }
    for (const r of this.db.prepare('SELECT name FROM channels').all() as Array<{ name: string }>)
      this.known.add(r.name);
    const seq = this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'queue'`).get() as { seq: number } | undefined;
    this.lastSeq = seq?.seq ?? 0;
  }

  /**
   * Queue a request (arrival order = seq order). The row is written with the next commit, unless the client
   * acks it first: a connected client usually answers before any sender is owed durability.
   */
  enqueue(req: NewQueuedRequest): EnqueueResult {
    const d = this.depth(req.channel);
    if (d.count + 1 > this.limits.maxCount || d.bytes + req.body.length > this.limits.maxBytes)
      return { ok: false, reason: 'full' };
    // The caller's object itself, not a copy (a spread of a dozen fields per request showed in profiles).
    const row = req as QueuedRequest;
    row.seq = ++this.lastSeq;
    this.unwritten.set(row.id, { row, at: this.clock() });
    this.queued.set(row.id, { channel: row.channel, bytes: row.body.length });
    this.depthByChannel.set(req.channel, { count: d.count + 1, bytes: d.bytes + req.body.length });
    this.scheduleCommit();
    return { ok: true, seq: row.seq };
  }

  /** Forget an acked request. Scoped by channel: a client can only ack its own channel's rows. */
  ack(channel: string, id: string): boolean {
    const q = this.queued.get(id);
    if (!q || q.channel !== channel) return false;
    this.queued.delete(id);
    const d = this.depth(channel);
    this.depthByChannel.set(channel, { count: Math.max(0, d.count - 1), bytes: Math.max(0, d.bytes - q.bytes) });
    if (!this.unwritten.delete(id)) {
      this.acked.push([channel, id]);
      this.scheduleCommit();
    }
    return true;
  }

  /**
   * Unacked requests of a channel after `afterSeq`, oldest first: at most `limit` rows and, past the first,
   * at most `maxBytes` of bodies (a page of 25 MB bodies must not land in memory at once).
   */
  pending(channel: string, afterSeq = 0, limit = 100, maxBytes = 32 * 1024 * 1024): QueuedRequest[] {
    this.commit(); // read what has been queued and acked so far
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
    this.stmts.touch.run(channel, now, now);
    this.known.add(channel);
  }

  isKnownChannel(channel: string): boolean {
    return this.known.has(channel);
  }

  /** Resolves once every write made so far is committed: true, or false when the commit failed (disk full…). */
  flushed(): Promise<boolean> {
    if (this.unwritten.size === 0 && this.acked.length === 0) return Promise.resolve(true);
    if (!this.commitSoon) {
      this.commitSoon = true;
      // A turn later: the request frames corked in this turn leave first, so the commit is not on their path.
      nextTurn(() => this.commit());
    }
    return new Promise((resolve) => this.commitWaiters.push(resolve));
  }

  /**
   * Writes nobody waits for yet are committed after a grace period: a connected client acks most requests
   * within it, and their rows then never touch the disk. Only a 202 promises durability, and it calls flushed().
   */
  private scheduleCommit(): void {
    if (this.commitTimer || this.commitSoon) return;
    this.commitTimer = setTimeout(() => this.commitAged(), ACK_GRACE_MS);
    this.commitTimer.unref();
  }

  /**
   * The grace timer: write only the rows queued at least ACK_GRACE_MS ago (and pending deletions), and wait again
   * for the younger ones. A timer armed by the first of a stream of requests would otherwise write every row queued
   * just before it fires, most of them acked a moment later: an insert and a delete for nothing.
   */
  private commitAged(): void {
    this.commitTimer = null;
    if (this.commitSoon) return; // a full commit is already due this turn
    const cutoff = this.clock() - ACK_GRACE_MS;
    let young = false;
    for (const u of this.unwritten.values())
      if (u.at > cutoff) {
        young = true;
        break;
      }
    if (!young) return this.commit();
    const aged: Unwritten[] = [];
    for (const [id, u] of this.unwritten) {
      if (u.at > cutoff) break; // insertion order is arrival order: the rest are younger still
      aged.push(u);
      this.unwritten.delete(id);
    }
    const acked = this.acked;
    this.acked = [];
    this.write(aged, acked);
    this.scheduleCommit();
  }

  /** Write the queued rows and the deletions of acked ones in one transaction; tell flushed() waiters. */
  private commit(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    this.commitSoon = false;
    const rows = [...this.unwritten.values()];
    const acked = this.acked;
    this.unwritten = new IdMap();
    this.acked = [];
    const committed = this.write(rows, acked);
    for (const w of this.commitWaiters.splice(0)) w(committed);
  }

  /** One transaction; on failure the rows and deletions go back to wait for the next commit. */
  private write(rows: Unwritten[], acked: Array<[string, string]>): boolean {
    if (rows.length === 0 && acked.length === 0) return true;
    try {
      this.writeTx.immediate(rows.map((u) => u.row), acked);
      return true;
    } catch {
      // Disk full or the like: nothing of this commit is durable. Waiters hear so (no 202 is sent for these);
      // the rows stay queued in memory and are tried again with the next commit.
      for (const u of rows) if (this.queued.has(u.row.id)) this.unwritten.set(u.row.id, u);
      this.acked.push(...acked);
      return false;
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.commit();
    this.db.close();
  }
}

function toQueued({ headers: json, ...r }: Row): QueuedRequest {
  let headers: HeaderList = [];
  try {
    headers = JSON.parse(json) as HeaderList;
  } catch {
    // Written by us as JSON; an unreadable row still delivers its body.
  }
  return { ...r, headers, replyTo: '' }; // read back from disk: any sender still waiting is found by id in this process
}
