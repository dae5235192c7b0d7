import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { runCli, startCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send } from '../helpers/http.js';
import { MIGRATIONS } from '../../src/store/schema.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('a history written by the previous schema (version 3, AUTOINCREMENT ids), used by the real binary', () => {
  it('is read as it is, upgraded by listen, and never gives an id twice: neither the ones its old prune freed nor one pruned now', async () => {
    const db = tmp.path('v3.db');
    const raw = new Database(db);
    raw.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
    raw.exec(`INSERT INTO meta VALUES ('schema_version', '3')`);
    const ins = raw.prepare(`INSERT INTO requests (received_at, source, method, url, headers, body, body_size) VALUES (?, 'http', 'POST', ?, '[]', ?, 1)`);
    for (const i of [1, 2, 3]) ins.run(1_700_000_000_000 + i, `/old${i}`, Buffer.from([i]));
    raw.exec(`INSERT INTO deliveries (request_id, kind, target, started_at, status) VALUES (1, 'forward', 'http://x/old1', 0, 204)`);
    raw.exec(`DELETE FROM requests WHERE id > 1`); // an old prune of the newest two: AUTOINCREMENT remembered 3
    raw.close();

    const before = await runCli(['show', '1', '--json', '--db', db]);
    expect(before.code, before.stderr.toString()).toBe(0);
    expect(JSON.parse(before.stdout.toString())).toMatchObject({ id: 1, url: '/old1' });

    const listen = startCli(['listen', '--port', '0', '--db', db]);
    try {
      const { url } = (await listen.waitForEvent((e) => e.event === 'listening')) as { url: string };
      expect((await send(`${url}/new1`, { body: '{}' })).status).toBe(200);
      expect(await listen.waitForEvent((e) => e.event === 'request' && e.url === '/new1')).toMatchObject({ id: 4 });

      const pruned = await runCli(['prune', '--keep', '0', '--db', db]);
      expect(pruned.code, pruned.stderr.toString()).toBe(0);
      expect((await send(`${url}/new2`, { body: '{}' })).status).toBe(200);
      expect(await listen.waitForEvent((e) => e.event === 'request' && e.url === '/new2')).toMatchObject({ id: 5 });
    } finally {
      await listen.stop();
    }
    const check = new Database(db, { readonly: true });
    try {
      expect(check.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe(String(MIGRATIONS.length));
      expect(check.prepare(`SELECT sql FROM sqlite_master WHERE name = 'requests'`).pluck().get()).not.toMatch(/AUTOINCREMENT/i);
      expect(check.prepare(`SELECT id, url FROM requests ORDER BY id`).all()).toEqual([{ id: 5, url: '/new2' }]);
      expect(check.pragma('foreign_key_check')).toEqual([]);
    } finally {
      check.close();
    }
  });
});
