import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openStore, WriteBatcher, type NewRequest, type Store } from '../../../src/store/index.js';
import { afterTurn } from '../../../src/core/turn.js';
import { fromExportLine, isBase64, toExportRecord } from '../../../src/store/exchange.js';
import { ID_FLOOR_KEY, MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/schema.js';
import type { IncomingWebhook, Verdict } from '../../../src/core/types.js';
import { makeTempDir } from '../../helpers/tmp.js';

function incoming(over: Partial<IncomingWebhook> = {}): IncomingWebhook {
  return {
    source: 'http',
    method: 'POST',
    url: '/hook?a=1',
    httpVersion: '1.1',
    remoteAddr: '127.0.0.1',
    headers: [['Content-Type', 'application/json'], ['X-Dup', 'a'], ['x-dup', 'b']],
    body: Buffer.from('{"a":1}'),
    receivedAt: 1_700_000_000_123,
    ...over,
  };
}

const verdict = (eventId: string | null): Verdict => ({
  provider: 'stripe', eventType: 'charge.succeeded', eventId, status: 'valid', reason: 'signature matched',
});

function parsedLine(line: string): NewRequest {
  const parsed = fromExportLine(line);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('Store', () => {
  const tmp = makeTempDir();
  let store: Store;
  let n = 0;
  beforeEach(() => {
    store = openStore(tmp.path(`h${n++}.db`));
  });
  afterEach(() => store.close());

  it('round-trips bytes, header order, case and repeats exactly', () => {
    const body = Buffer.from([0, 255, 254, 10, 13, 0x80, 0xc3]);
    const [r] = store.insertMany([{ incoming: incoming({ body }), verdict: null, responseStatus: 200 }]);
    const got = store.get(r!.id)!;
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers).toEqual([['Content-Type', 'application/json'], ['X-Dup', 'a'], ['x-dup', 'b']]);
    expect(got.url).toBe('/hook?a=1');
    expect(got.receivedAt).toBe(1_700_000_000_123);
    expect(got.bodySize).toBe(7);
    expect(got.contentType).toBe('application/json');
    expect(got.responseStatus).toBe(200);
  });

  it('keeps which secret matched as its masked last 4 characters only; anything else in that place reads as unknown', () => {
    const [r] = store.insertMany([{ incoming: incoming(), verdict: { ...verdict('evt_h'), secretHint: '********f00d' }, responseStatus: 200 }]);
    expect(store.get(r!.id)!.signatureDetail?.secretHint).toBe('********f00d');
    // a column written by hand (or by another program) holding a whole secret is not shown
    store.db.prepare('UPDATE requests SET signature_detail = ? WHERE id = ?').run(JSON.stringify({ code: null, diagnosis: null, warnings: [], secretHint: 'whsec_wholesecret' }), r!.id);
    expect(store.get(r!.id)!.signatureDetail?.secretHint).toBeNull();
  });

  it('runs in WAL mode with the schema version recorded', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const raw = new Database(store.path, { readonly: true });
    expect(raw.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
    raw.close();
  });

  it('marks a repeated provider event id as a duplicate of the first', () => {
    const [a, b, c] = store.insertMany([
      { incoming: incoming(), verdict: verdict('evt_1') },
      { incoming: incoming(), verdict: verdict('evt_1') },
      { incoming: incoming(), verdict: verdict('evt_2') },
    ]);
    expect(a!.duplicateOf).toBeNull();
    expect(b!.duplicateOf).toBe(a!.id);
    expect(c!.duplicateOf).toBeNull();
    expect(store.get(b!.id)!.duplicateOf).toBe(a!.id);
  });

  it('does not write a relay redelivery twice', () => {
    const [a] = store.insertMany([{ incoming: incoming({ relayId: 'r1' }), verdict: null }]);
    const [b] = store.insertMany([{ incoming: incoming({ relayId: 'r1' }), verdict: null }]);
    expect(b).toEqual({ id: a!.id, duplicateOf: null, redelivered: true });
    expect(store.count()).toBe(1);
    // In one batch too, between new ones; ids stay in arrival order.
    const [c, d, e] = store.insertMany(['r2', 'r1', 'r3'].map((relayId) => ({ incoming: incoming({ relayId }), verdict: null })));
    expect(d).toEqual({ id: a!.id, duplicateOf: null, redelivered: true });
    expect([c!.redelivered, e!.redelivered]).toEqual([false, false]);
    expect(e!.id).toBe(c!.id + 1);
    expect(store.count()).toBe(3);
  });

  it('lists newest first with filters and pages by id', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      incoming: incoming({ method: i % 2 ? 'PUT' : 'POST', url: `/p/${i}`, receivedAt: 1000 + i }),
      verdict: null,
    }));
    store.insertMany(items);
    const page1 = store.list({ limit: 10 });
    expect(page1.map((r) => r.url)[0]).toBe('/p/29');
    const page2 = store.list({ limit: 10, beforeId: page1[9]!.id });
    expect(page2[0]!.id).toBe(page1[9]!.id - 1);
    expect(store.list({ method: 'put', limit: 100 })).toHaveLength(15);
    expect(store.list({ pathContains: '/p/2', limit: 100 }).map((r) => r.url).sort()).toEqual(
      ['/p/2', '/p/20', '/p/21', '/p/22', '/p/23', '/p/24', '/p/25', '/p/26', '/p/27', '/p/28', '/p/29'].sort(),
    );
    expect(store.list({ since: 1025, limit: 100 })).toHaveLength(5);
    // list() leaves bodies out: it is for tables, not bytes.
    expect(page1[0]!.body.length).toBe(0);
  });

  it('prunes by age and by count', () => {
    store.insertMany(Array.from({ length: 10 }, (_, i) => ({ incoming: incoming({ receivedAt: i * 1000 }), verdict: null })));
    expect(store.prune({ olderThan: 3000 })).toBe(3);
    expect(store.prune({ keep: 4 })).toBe(3);
    expect(store.list({ limit: 100, ascending: true }).map((r) => r.receivedAt)).toEqual([6000, 7000, 8000, 9000]);
  });

  it('keeps deliveries per request and cascades on prune', () => {
    const [r] = store.insertMany([{ incoming: incoming(), verdict: null }]);
    store.addDelivery({
      requestId: r!.id, kind: 'forward', target: 'http://x', attempt: 1, startedAt: 5, durationMs: 1.5, status: 200,
      responseHeaders: [['A', 'b']], responseBody: Buffer.from('ok'), responseTruncated: false, error: null,
    });
    expect(store.deliveries(r!.id)).toMatchObject([{ status: 200, responseHeaders: [['A', 'b']], target: 'http://x' }]);
    store.prune({ keep: 0 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
  });

  it('export records re-import to identical requests', () => {
    const body = Buffer.from([1, 2, 3, 0, 250]);
    const [r] = store.insertMany([{ incoming: incoming({ body }), verdict: verdict('evt_9'), responseStatus: 202 }]);
    const line = JSON.stringify(toExportRecord(store.get(r!.id)!));
    const parsed = fromExportLine(line);
    if (typeof parsed === 'string') throw new Error(parsed);
    const other = openStore(tmp.path('other.db'));
    const [r2] = other.insertMany([parsed]);
    const a = store.get(r!.id)!;
    const b = other.get(r2!.id)!;
    other.close();
    expect(b.importKey).toMatch(/^\d+:1700000000123:[0-9a-f]{64}$/);
    expect({ ...b, id: 0, importKey: null }).toEqual({ ...a, id: 0 });
    expect(fromExportLine('{nope')).toBe('not valid JSON');
    expect(fromExportLine('{"id":1,"receivedAt":"2024-01-01T00:00:00Z","method":"GET","url":"/","headers":[["a"]],"bodyBase64":""}')).toMatch(/^headers: /);
  });

  it('checks every field of an import line and names it', () => {
    const good = toExportRecord(store.get(store.insertMany([{ incoming: incoming(), verdict: verdict('e') }])[0]!.id)!);
    expect(typeof fromExportLine(JSON.stringify(good))).toBe('object');
    const bad = (over: Record<string, unknown>) => fromExportLine(JSON.stringify({ ...good, ...over }));
    expect(bad({ id: 0 })).toMatch(/^id: expected a whole number/);
    expect(bad({ receivedAt: 'yesterday' })).toMatch(/^receivedAt: expected an ISO 8601 time/);
    expect(bad({ source: 'ftp' })).toBe('source: expected one of http, relay, import, send, got "ftp"');
    expect(bad({ method: 'GE T' })).toMatch(/^method: /);
    expect(bad({ url: 5 })).toBe('url: expected a string, got 5');
    expect(bad({ bodyBase64: '***' })).toBe('bodyBase64: expected base64 text');
    // What HTTP cannot carry: replay failed on it later, and show printed the newline as a header line of its own.
    expect(bad({ headers: [['Content-Type', 'application/json'], ['X-A', 'a\r\nX-Forged: 1']] })).toMatch(/^headers\[1\]: the value has a character HTTP headers cannot carry/);
    expect(bad({ headers: [['Bad Name', 'v']] })).toMatch(/^headers\[0\]: "Bad Name" is not a valid header name/);
    expect(typeof bad({ headers: [['X-Latin', 'caf\u00e9'], ['X-Empty', '']] })).toBe('object');
    expect(bad({ bodySize: 3 })).toMatch(/^bodySize: 3 does not match the 7 bytes/);
    expect(bad({ provider: 7 })).toMatch(/^provider: expected a string or null/);
    expect(bad({ signature: { status: 'ok', reason: null, detail: null } })).toBe(
      'signature.status: expected one of valid, invalid, unsigned, no-secret, got "ok"',
    );
    expect(bad({ signature: { status: 'valid', reason: null, detail: '{oops' } })).toMatch(/^signature\.detail: /);
    expect(bad({ relayId: 12 })).toMatch(/^relayId: expected a string or null/);
    expect(bad({ relayId: '' })).toMatch(/^relayId: /);
    expect(bad({ rejected: { status: 200, reason: null } })).toMatch(/^rejected\.status: expected a whole number from 400 to 599/);
    expect(bad({ rejected: 'yes' })).toMatch(/^rejected: expected an object or null/);
    expect(bad({ responseStatus: 42 })).toMatch(/^responseStatus: expected a whole number from 100 to 599, got 42/);
    expect(bad({ importKey: 'x' })).toMatch(/^importKey: /);
  });

  it('imports a line once: again from the same file, or back into the history it came from', () => {
    const [r] = store.insertMany([{ incoming: incoming(), verdict: null }]);
    const line = JSON.stringify(toExportRecord(store.get(r!.id)!));
    const item = () => parsedLine(line);
    expect(store.insertMany([item()])[0]).toEqual({ id: r!.id, duplicateOf: null, redelivered: true });
    const other = openStore(tmp.path(`other-${n}.db`));
    try {
      const [first, again] = other.insertMany([item(), item()]);
      expect(first!.redelivered).toBe(false);
      expect(again).toEqual({ id: first!.id, duplicateOf: null, redelivered: true });
      expect(other.get(first!.id)!.source).toBe('http');
      // Exported again from there, it is still the same request for the original history and for a third one.
      const relayed = JSON.stringify(toExportRecord(other.get(first!.id)!));
      expect(store.insertMany([parsedLine(relayed)])[0]!.redelivered).toBe(true);
      expect(other.insertMany([parsedLine(relayed)])[0]!.redelivered).toBe(true);
    } finally {
      other.close();
    }
    expect(store.count()).toBe(1);
  });

  it('never reuses an id, even after a full prune', () => {
    store.insertMany([{ incoming: incoming(), verdict: null }, { incoming: incoming(), verdict: null }]);
    store.prune({ keep: 0 });
    expect(store.count()).toBe(0);
    const [r] = store.insertMany([{ incoming: incoming(), verdict: null }]);
    expect(r!.id).toBe(3);
  });
});

describe('migrating an existing history', () => {
  it('rebuilds a version 1 history with every row and delivery kept, ids never reused from then on', () => {
    const tmp = makeTempDir();
    const path = tmp.path('v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.exec(`INSERT INTO meta VALUES ('schema_version', '1')`);
    const ins = raw.prepare(`INSERT INTO requests (received_at, source, method, url, headers, body, body_size) VALUES (?, 'import', 'POST', ?, '[]', ?, 1)`);
    for (const i of [1, 2, 3]) ins.run(i, `/r${i}`, Buffer.from([i]));
    raw.exec(`INSERT INTO deliveries (request_id, kind, target, started_at) VALUES (3, 'forward', 'http://x', 0)`);
    raw.close();
    const store = openStore(path);
    try {
      expect(store.list({ ascending: true }).map((r) => [r.id, r.url, r.source])).toEqual([[1, '/r1', 'import'], [2, '/r2', 'import'], [3, '/r3', 'import']]);
      expect(store.deliveries(3)).toHaveLength(1);
      store.prune({ keep: 0 });
      expect(store.insertMany([{ incoming: incoming(), verdict: null }])[0]!.id).toBe(4);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});

describe('migration 3: the local port', () => {
  it('a version 2 history gains the column, its rows read with no port; new rows keep the port they arrived on', () => {
    const tmp = makeTempDir();
    const path = tmp.path('v2.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.exec(MIGRATIONS[1]!);
    raw.exec(`INSERT INTO meta VALUES ('schema_version', '2')`);
    raw.prepare(`INSERT INTO requests (received_at, source, method, url, headers, body, body_size) VALUES (1, 'http', 'POST', '/old', '[]', ?, 1)`).run(Buffer.from('x'));
    raw.close();
    const store = openStore(path);
    try {
      expect(store.get(1)!.localPort).toBeNull();
      const id = store.insertMany([{ incoming: incoming({ localPort: 4321 }), verdict: null }])[0]!.id;
      expect(store.get(id)!.localPort).toBe(4321);
      expect(store.list({ ascending: true }).map((r) => r.localPort)).toEqual([null, 4321]);
      const line = JSON.stringify(toExportRecord(store.get(id)!));
      expect(parsedLine(line).incoming.localPort).toBe(4321);
      const { localPort: _gone, ...old } = JSON.parse(line) as Record<string, unknown>;
      expect(parsedLine(JSON.stringify(old)).incoming.localPort).toBeNull();
      expect(fromExportLine(JSON.stringify({ ...old, localPort: 0 }))).toMatch(/localPort/);
      expect(fromExportLine(JSON.stringify({ ...old, localPort: '80' }))).toMatch(/localPort/);
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});

/** A history as the schema of version 3 (AUTOINCREMENT ids) made it: ids 1-3, then the newest two deleted by a prune. */
function versionThreeHistory(path: string, pruneNewest: boolean): void {
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
  raw.exec(`INSERT INTO meta VALUES ('schema_version', '3')`);
  const ins = raw.prepare(`INSERT INTO requests (received_at, source, method, url, headers, body, body_size, relay_id, local_port) VALUES (?, 'http', 'POST', ?, '[]', ?, 1, ?, ?)`);
  for (const i of [1, 2, 3]) ins.run(i, `/r${i}`, Buffer.from([i]), `relay-${i}`, 4000 + i);
  raw.exec(`INSERT INTO deliveries (request_id, kind, target, started_at, status) VALUES (1, 'forward', 'http://x', 0, 204)`);
  if (pruneNewest) raw.exec(`DELETE FROM requests WHERE id > 1`);
  raw.close();
}

/** WAL frames (pages) appended by `write`, checkpoints off. */
function walPagesOf(store: Store, write: () => void): number {
  const frame = (store.db.pragma('page_size', { simple: true }) as number) + 24;
  const size = (): number => (existsSync(`${store.path}-wal`) ? statSync(`${store.path}-wal`).size : 0);
  const before = size();
  write();
  return (size() - before) / frame;
}

describe('migration 4: ids that never repeat without AUTOINCREMENT', () => {
  const tmp = makeTempDir();
  let n = 0;

  it('a version 3 history keeps every row, column and delivery; the ids its prune freed stay unused', () => {
    const path = tmp.path(`v3-${n++}.db`);
    versionThreeHistory(path, true);
    const store = openStore(path);
    try {
      const ddl = store.db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'requests'`).pluck().get() as string;
      expect(ddl).not.toMatch(/AUTOINCREMENT/i);
      const old = store.get(1)!;
      expect([old.url, old.relayId, old.localPort, old.body]).toEqual(['/r1', 'relay-1', 4001, Buffer.from([1])]);
      expect(store.deliveries(1).map((d) => d.status)).toEqual([204]);
      expect(store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' ORDER BY name`).pluck().all())
        .toEqual(['requests_event', 'requests_import', 'requests_relay']);
      // AUTOINCREMENT had handed out 3: the next request is 4, not 2.
      expect(store.insertMany([{ incoming: incoming(), verdict: null }, { incoming: incoming(), verdict: null }]).map((r) => r.id)).toEqual([4, 5]);
      expect(store.getMeta(ID_FLOOR_KEY)).toBeNull();
      // The relay index still refuses a redelivery.
      expect(store.insertMany([{ incoming: incoming({ relayId: 'relay-1' }), verdict: null }])[0]).toMatchObject({ id: 1, redelivered: true });
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a version 3 history whose newest row is still there continues from it', () => {
    const path = tmp.path(`v3-${n++}.db`);
    versionThreeHistory(path, false);
    const store = openStore(path);
    try {
      expect(store.getMeta(ID_FLOOR_KEY)).toBeNull();
      expect(store.count()).toBe(3);
      expect(store.insertMany([{ incoming: incoming(), verdict: null }])[0]!.id).toBe(4);
    } finally {
      store.close();
    }
  });

  it('a prune of the newest leaves a floor: kept through later prunes and batches that wrote nothing new, honoured by another connection', () => {
    const path = tmp.path(`h-${n++}.db`);
    const a = openStore(path);
    const b = openStore(path);
    try {
      a.insertMany([1, 2, 3].map((i) => ({ incoming: incoming({ relayId: `r${i}` }), verdict: null })));
      a.prune({ keep: 1 });
      expect(a.getMeta(ID_FLOOR_KEY)).toBeNull(); // the newest stayed: nothing to remember
      a.prune({ keep: 0 });
      a.prune({ keep: 0 });
      expect(a.getMeta(ID_FLOOR_KEY)).toBe('3');
      // Only redeliveries of what is gone? They are new rows now; a redelivery of a kept row writes nothing.
      expect(b.insertMany([{ incoming: incoming({ relayId: 'r9' }), verdict: null }, { incoming: incoming(), verdict: null }]).map((r) => r.id)).toEqual([4, 5]);
      expect(b.insertMany([{ incoming: incoming({ relayId: 'r9' }), verdict: null }])[0]).toMatchObject({ id: 4, redelivered: true });
      expect(a.getMeta(ID_FLOOR_KEY)).toBeNull();
      a.prune({ olderThan: Number.MAX_SAFE_INTEGER });
      expect(a.getMeta(ID_FLOOR_KEY)).toBe('5');
      b.prune({ keep: 0 }); // nothing left to remove: the floor stays where it was
      expect(b.getMeta(ID_FLOOR_KEY)).toBe('5');
      expect(a.insertMany([{ incoming: incoming(), verdict: null }])[0]!.id).toBe(6);
      expect(b.insertMany([{ incoming: incoming(), verdict: null }])[0]!.id).toBe(7);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a floor another writer already went past is dropped, not used', () => {
    const path = tmp.path(`h-${n++}.db`);
    const store = openStore(path);
    try {
      store.insertMany([{ incoming: incoming(), verdict: null }, { incoming: incoming(), verdict: null }]);
      store.setMeta(ID_FLOOR_KEY, '1'); // e.g. left by a prune, then rows above it came in
      expect(store.insertMany([{ incoming: incoming(), verdict: null }])[0]!.id).toBe(3);
      expect(store.getMeta(ID_FLOOR_KEY)).toBeNull();
    } finally {
      store.close();
    }
  });

  it('a commit of one small request writes one page (AUTOINCREMENT wrote its sqlite_sequence page too)', () => {
    const store = openStore(tmp.path(`h-${n++}.db`));
    try {
      store.db.pragma('wal_autocheckpoint = 0');
      store.insertMany([{ incoming: incoming(), verdict: null }]);
      // Ten more rows fit the same leaf page; each commit rewrites that page and nothing else.
      const pages = walPagesOf(store, () => {
        for (let i = 0; i < 10; i++) store.insertMany([{ incoming: incoming(), verdict: null }]);
      });
      expect(pages).toBe(10);
      expect(store.db.prepare(`SELECT count(*) FROM sqlite_sequence WHERE name = 'requests'`).pluck().get()).toBe(0);
    } finally {
      store.close();
    }
  });
});

describe('opening the history', () => {
  it('turns a bad --db into one ConfigError line', async () => {
    const { writeFileSync } = await import('node:fs');
    const { ConfigError } = await import('../../../src/core/errors.js');
    const tmp = makeTempDir();
    writeFileSync(tmp.path('not-a-db'), 'hello, I am a text file, not SQLite, and I am long enough to matter');
    expect(() => openStore(tmp.path('not-a-db'))).toThrow(ConfigError);
    expect(() => openStore('/proc/hookdev-nope/x.db')).toThrow(/cannot open the history database/);
    const nested = openStore(tmp.path('a/b/c/h.db'));
    nested.close();
    tmp.cleanup();
  });
});

describe('WriteBatcher', () => {
  const tmp = makeTempDir();
  const delivery = (requestId: number) => ({
    requestId, kind: 'forward' as const, target: 'http://x', attempt: 1, startedAt: 5, durationMs: 1, status: 200,
    responseHeaders: null, responseBody: null, responseTruncated: false, error: null,
  });

  /** Counts the transactions the store runs. */
  function counted(store: Store): { commits: number } {
    const c = { commits: 0 };
    const orig = store.writeBatch.bind(store);
    store.writeBatch = (batch) => {
      c.commits++;
      return orig(batch);
    };
    return c;
  }

  it('writes requests arriving in one loop turn in one transaction, resolving only after commit', async () => {
    const store = openStore(tmp.path('g.db'));
    const c = counted(store);
    const writes = new WriteBatcher(store);
    const results = await Promise.all(Array.from({ length: 50 }, () => writes.record({ incoming: incoming(), verdict: null })));
    expect(c.commits).toBe(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(50);
    // Visible to another connection, i.e. committed, once the promises resolved.
    const reader = new Database(tmp.path('g.db'), { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM requests').get()).toEqual({ n: 50 });
    reader.close();
    await writes.drain();
    store.close();
  });

  it('follow-ups ride along with a request batch that is due, else get one commit of their own a turn later', async () => {
    const store = openStore(tmp.path('f1.db'));
    const c = counted(store);
    const writes = new WriteBatcher(store);
    const [first] = await Promise.all([writes.record({ incoming: incoming(), verdict: null })]);
    expect(c.commits).toBe(1);
    // Alone: not written yet (nobody waits), then written once, after this turn.
    writes.queueDelivery(delivery(first!.id));
    writes.queueResponseStatus(first!.id, 418);
    expect(store.deliveries(first!.id)).toHaveLength(0);
    await new Promise<void>((resolve) => afterTurn('log', resolve));
    expect(c.commits).toBe(2);
    expect(store.deliveries(first!.id)).toHaveLength(1);
    expect(store.get(first!.id)!.responseStatus).toBe(418);
    // With a request batch due: one commit for both.
    const pending = writes.record({ incoming: incoming(), verdict: null });
    writes.queueDelivery(delivery(first!.id));
    await pending;
    expect(c.commits).toBe(3);
    expect(store.deliveries(first!.id)).toHaveLength(2);
    await new Promise<void>((resolve) => afterTurn('log', resolve));
    expect(c.commits).toBe(3);
    store.close();
  });

  it('a bad follow-up row does not refuse the requests it rode with; it is reported', async () => {
    const store = openStore(tmp.path('f2.db'));
    const errors: string[] = [];
    const writes = new WriteBatcher(store, (err) => errors.push(err.message));
    const pending = writes.record({ incoming: incoming(), verdict: null });
    writes.queueDelivery(delivery(999_999)); // no such request: the foreign key refuses it
    const r = await pending;
    expect(store.get(r.id)).not.toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/FOREIGN KEY/);
    store.close();
  });

  it('rejects every waiter of a batch that failed to commit', async () => {
    const store = openStore(tmp.path('f.db'));
    const writes = new WriteBatcher(store);
    store.close();
    await expect(writes.record({ incoming: incoming(), verdict: null })).rejects.toThrow();
  });
});

describe('turn phases', () => {
  it('runs the commit phase before the log phase, whoever asked first', async () => {
    const order: string[] = [];
    afterTurn('log', () => order.push('log'));
    afterTurn('commit', () => order.push('commit'));
    await new Promise<void>((resolve) => afterTurn('log', resolve));
    expect(order).toEqual(['commit', 'log']);
  });
});

describe('isBase64 (the import check of bodyBase64)', () => {
  it('takes canonical padded base64 and nothing else', () => {
    for (const ok of ['', 'QQ==', 'QUE=', 'QUFB', 'QUFBQQ==', '+/+/']) expect(isBase64(ok)).toBe(true);
    for (const bad of ['Q', 'QQ=', 'Q===', '====', 'QQ==QUFB', 'QU=B', 'QUF!', 'QUFB\n', '-_-_']) expect(isBase64(bad)).toBe(false);
  });

  it('checks tens of MB without overflowing the regexp stack', () => {
    expect(isBase64('QUFB'.repeat(4 * 1024 * 1024))).toBe(true);
  });
});
