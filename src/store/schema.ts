import type Database from 'better-sqlite3';

/** Numbered migrations, run in order at open. Never edit one that has shipped: add the next. */
const MIGRATIONS: string[] = [
  // 1: requests, deliveries, meta
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    http_version TEXT NOT NULL DEFAULT '1.1',
    remote_addr TEXT NOT NULL DEFAULT '',
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    body_size INTEGER NOT NULL,
    content_type TEXT,
    provider TEXT,
    event_type TEXT,
    event_id TEXT,
    signature_status TEXT,
    signature_reason TEXT,
    signature_detail TEXT,
    duplicate_of INTEGER,
    relay_id TEXT,
    rejected_status INTEGER,
    rejected_reason TEXT,
    response_status INTEGER
  );
  -- No index on received_at: ids follow arrival order, so time filters scan from the newest id and stop
  -- early; an extra index costs every insert on the request path about a third of its time.
  CREATE UNIQUE INDEX requests_relay ON requests(relay_id) WHERE relay_id IS NOT NULL;
  CREATE INDEX requests_event ON requests(provider, event_id) WHERE event_id IS NOT NULL;
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    started_at INTEGER NOT NULL,
    duration_ms REAL,
    status INTEGER,
    response_headers TEXT,
    response_body BLOB,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX deliveries_request ON deliveries(request_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const hasMeta = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`)
    .get();
  let version = 0;
  if (hasMeta) {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
      | { value: string }
      | undefined;
    version = row ? Number(row.value) : 0;
  }
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${version} is newer than this hookdev understands (${SCHEMA_VERSION})`,
    );
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.prepare(
        `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ).run(String(v + 1));
    })();
  }
}
