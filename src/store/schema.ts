import type Database from 'better-sqlite3';

/** The columns of `requests` after its id, as migration 1 made them (migration 2 rebuilds the table with them). */
const REQUEST_COLUMNS_V1 = `    received_at INTEGER NOT NULL,
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
    response_status INTEGER`;

/** Numbered migrations, run in order at open. Never edit one that has shipped: add the next. */
export const MIGRATIONS: readonly string[] = [
  // 1: requests, deliveries, meta
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
${REQUEST_COLUMNS_V1}
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
  // 2: ids never repeat (AUTOINCREMENT: after a full prune, `replay 1` must not mean a new request), and imported
  // rows carry the key of the exported original (import_key), so importing a file twice adds nothing. SQLite cannot
  // add AUTOINCREMENT to a table: it is rebuilt (foreign keys are off meanwhile, see migrate).
  `
  CREATE TABLE requests_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
${REQUEST_COLUMNS_V1},
    import_key TEXT
  );
  INSERT INTO requests_v2 (id, received_at, source, method, url, http_version, remote_addr, headers, body, body_size,
    content_type, provider, event_type, event_id, signature_status, signature_reason, signature_detail, duplicate_of,
    relay_id, rejected_status, rejected_reason, response_status)
  SELECT id, received_at, source, method, url, http_version, remote_addr, headers, body, body_size,
    content_type, provider, event_type, event_id, signature_status, signature_reason, signature_detail, duplicate_of,
    relay_id, rejected_status, rejected_reason, response_status FROM requests;
  DROP TABLE requests;
  ALTER TABLE requests_v2 RENAME TO requests;
  CREATE UNIQUE INDEX requests_relay ON requests(relay_id) WHERE relay_id IS NOT NULL;
  CREATE INDEX requests_event ON requests(provider, event_id) WHERE event_id IS NOT NULL;
  CREATE UNIQUE INDEX requests_import ON requests(import_key) WHERE import_key IS NOT NULL;
  `,
  // 3: the local port a request arrived on (HTTP door; NULL for other doors and older rows): `show --curl` sends a
  // request that had no Host header back to that port.
  `
  ALTER TABLE requests ADD COLUMN local_port INTEGER;
  `,
  // 4: ids still never repeat, without AUTOINCREMENT: its sqlite_sequence row was one more page written by every
  // commit on the request path (2.7 pages per commit instead of 1.7). Only a prune can make SQLite's own choice
  // (the highest id + 1) repeat an id, so the prune leaves the highest id it removed in meta (ID_FLOOR_KEY) and the
  // next insert starts above it (Store.idAboveFloor). The rebuild carries AUTOINCREMENT's counter over the same way,
  // before the drop removes it.
  `
  INSERT INTO meta (key, value)
    SELECT 'requests_id_floor', seq FROM sqlite_sequence
    WHERE name = 'requests' AND seq > (SELECT coalesce(max(id), 0) FROM requests);
  CREATE TABLE requests_v4 (
    id INTEGER PRIMARY KEY,
${REQUEST_COLUMNS_V1},
    import_key TEXT,
    local_port INTEGER
  );
  INSERT INTO requests_v4 SELECT id, received_at, source, method, url, http_version, remote_addr, headers, body,
    body_size, content_type, provider, event_type, event_id, signature_status, signature_reason, signature_detail,
    duplicate_of, relay_id, rejected_status, rejected_reason, response_status, import_key, local_port FROM requests;
  DROP TABLE requests;
  ALTER TABLE requests_v4 RENAME TO requests;
  CREATE UNIQUE INDEX requests_relay ON requests(relay_id) WHERE relay_id IS NOT NULL;
  CREATE INDEX requests_event ON requests(provider, event_id) WHERE event_id IS NOT NULL;
  CREATE UNIQUE INDEX requests_import ON requests(import_key) WHERE import_key IS NOT NULL;
  `,
  // The status a passthrough sender was answered with, on the delivery that produced it (see RESPONSE_STATUS_SQL):
  // written with that row instead of an UPDATE that rewrote the request's page after every forward.
  `
  ALTER TABLE deliveries ADD COLUMN answer_status INTEGER;
  `,
];

/**
 * The `meta` key holding the highest request id a prune removed while no higher id remained (migration 4): the next
 * request gets an id above it. Gone again once a higher id exists.
 */
export const ID_FLOOR_KEY = 'requests_id_floor';

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
  if (version === SCHEMA_VERSION) return;
  // A table rebuild drops the old table: with foreign keys on, that would first delete every delivery (cascade).
  // The pragma cannot change inside a transaction, so it is switched around them.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`migration ${v + 1} left ${broken.length} rows without their parent`);
        db.prepare(
          `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        ).run(String(v + 1));
      })();
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}
