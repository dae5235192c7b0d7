// Shared by the "fair" references: one SQLite file with a requests and a deliveries table, and a group commit
// (rows queued in one loop turn share one transaction; callbacks run after it commits). WAL,
// synchronous=NORMAL, 8 KiB pages, prepared INSERTs: what hookdev's store does, and nothing else.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function openGroupCommit(dbPath) {
  const Database = require('better-sqlite3');
  const db = new Database(dbPath);
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, received_at INTEGER, method TEXT, url TEXT,
      headers TEXT, body BLOB, body_size INTEGER, remote_addr TEXT, relay_id TEXT);
    CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, request_id INTEGER, kind TEXT, target TEXT,
      started_at INTEGER, duration_ms REAL, status INTEGER, response_body BLOB, error TEXT);`);
  const insertRequest = db.prepare(`INSERT INTO requests (received_at, method, url, headers, body, body_size, remote_addr,
      relay_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertDelivery = db.prepare(`INSERT INTO deliveries (request_id, kind, target, started_at, duration_ms, status,
      response_body, error) VALUES (?, 'forward', ?, ?, ?, ?, ?, ?)`);
  let queue = [];
  let scheduled = false;
  const commit = db.transaction((batch) => {
    for (const item of batch) {
      const r = item.row;
      if (item.kind === 'request') item.id = insertRequest.run(r.receivedAt, r.method, r.url, r.headers, r.body, r.body.length, r.remoteAddr, r.relayId ?? null).lastInsertRowid;
      else insertDelivery.run(r.requestId, r.target, r.startedAt, r.durationMs, r.status, r.responseBody, r.error ?? null);
    }
  });
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    commit(batch);
    for (const item of batch) item.done?.(item.id);
  };
  const enqueue = (item) => {
    queue.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    /** Queue a request row; `done(id)` runs after the transaction holding it has committed. */
    request: (row, done) => enqueue({ kind: 'request', row, done }),
    /** Queue a delivery row (nobody waits for it, as in hookdev). */
    delivery: (row) => enqueue({ kind: 'delivery', row }),
  };
}
