import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { rawExchange, send } from '../helpers/http.js';

const tmp = makeTempDir();
const db = tmp.path('e2e.db');
let listen: RunningCli;
let url = '';

async function showJson(id: string | number, database = db) {
  const r = await runCli(['show', String(id), '--json', '--db', database]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.toString()) as Record<string, any>;
}

beforeAll(async () => {
  listen = startCli(['listen', '--port', '0', '--db', db, '--max-body', '1mb']);
  const e = await listen.waitForEvent((x) => x.event === 'listening');
  url = e.url as string;
});
afterAll(async () => {
  await listen.stop();
  tmp.cleanup();
});

describe('hookdev listen → list / show (real binary)', () => {
  it('prints a listening line first, then one NDJSON request line per request', async () => {
    expect(listen.events[0]).toMatchObject({ event: 'listening' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await send(url + '/hello?x=1', { body: '{"a":1}', headers: [['Content-Type', 'application/json']] });
    expect(res.status).toBe(200);
    const ev = await listen.waitForEvent((x) => x.event === 'request' && x.url === '/hello?x=1');
    expect(ev).toMatchObject({ method: 'POST', bodySize: 7, status: 200 });
  });

  it('show --json returns the exact bytes, headers and request line', async () => {
    const body = Buffer.concat([randomBytes(2000), Buffer.from([0, 0xff, 0xfe])]);
    const headers: Array<[string, string]> = [['X-Mixed-Case', 'A'], ['x-mixed-case', 'b'], ['Content-Type', 'application/octet-stream']];
    await send(url + '/bin/%E2%9C%93?q=a%20b&q=c', { method: 'PUT', body, headers });
    const ev = await listen.waitForEvent((x) => x.event === 'request' && x.method === 'PUT');
    const shown = await showJson(ev.id as number);
    expect(Buffer.from(shown.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(shown).toMatchObject({ id: ev.id, method: 'PUT', url: '/bin/%E2%9C%93?q=a%20b&q=c', bodySize: body.length });
    expect(shown.headers.filter(([k]: [string]) => /mixed/i.test(k))).toEqual([['X-Mixed-Case', 'A'], ['x-mixed-case', 'b']]);
    expect(new Date(shown.receivedAt).toISOString()).toBe(shown.receivedAt);
    const raw = await runCli(['show', String(ev.id), '--body', '--db', db]);
    expect(raw.stdout.equals(body)).toBe(true);
  });

  it('show prints pretty JSON, hex dumps and decoded gzip for people', async () => {
    await send(url + '/gz', { body: gzipSync('{"zipped":{"deep":true}}'), headers: [['Content-Encoding', 'gzip'], ['Content-Type', 'application/json']] });
    const ev = await listen.waitForEvent((x) => x.event === 'request' && x.url === '/gz');
    const human = await runCli(['show', String(ev.id), '--db', db]);
    expect(human.code).toBe(0);
    expect(human.stdout.toString()).toContain('"deep": true');
    expect(human.stdout.toString()).toContain('gzip-encoded body');
    await send(url + '/binary', { body: Buffer.from([0, 1, 2, 0x41, 0xff]) });
    const bin = await listen.waitForEvent((x) => x.event === 'request' && x.url === '/binary');
    const dump = await runCli(['show', String(bin.id), '--db', db]);
    expect(dump.stdout.toString()).toContain('00000000  00 01 02 41 ff');
  });

  it('show --curl reproduces the request byte-exact', async () => {
    const body = Buffer.from([0x7b, 0x27, 0x5c, 0x0a, 0x00, 0xe2, 0x9c, 0x93, 0x25, 0x7d]);
    await send(url + '/curl-src?a=%20', { body, headers: [['X-Sig', "t=1,v1='abc'"], ['Content-Type', 'application/json']] });
    const src = await listen.waitForEvent((x) => x.event === 'request' && String(x.url).startsWith('/curl-src'));
    const cmd = await runCli(['show', String(src.id), '--curl', '--url', url.replace('/curl-src', ''), '--db', db]);
    let curlAvailable = true;
    try {
      execFileSync('curl', ['--version']);
    } catch {
      curlAvailable = false;
    }
    expect(cmd.stdout.toString()).toMatch(/^(printf .* \| )?curl /);
    if (!curlAvailable) return; // the command text is still checked above
    // POSIX sh (dash here), not bash: the command must work in any shell (issue 10).
    execFileSync('sh', ['-c', cmd.stdout.toString()]);
    const again = await listen.waitForEvent((x) => x.event === 'request' && String(x.url).startsWith('/curl-src') && x.id !== src.id);
    const a = await showJson(src.id as number);
    const b = await showJson(again.id as number);
    expect(b.bodyBase64).toBe(a.bodyBase64);
    expect(b.url).toBe(a.url);
    expect(b.headers.filter(([k]: [string]) => k === 'X-Sig' || k === 'Content-Type')).toEqual(
      a.headers.filter(([k]: [string]) => k === 'X-Sig' || k === 'Content-Type'),
    );
  });

  it('refuses an oversized body with 413 and keeps answering', async () => {
    const res = await send(url + '/huge', { body: Buffer.alloc(2 * 1024 * 1024), headers: [['Content-Length', String(2 * 1024 * 1024)]] });
    expect(res.status).toBe(413);
    const ev = await listen.waitForEvent((x) => x.event === 'request' && x.url === '/huge');
    expect(ev.rejected).toMatchObject({ status: 413 });
    expect((await send(url + '/after-huge', { body: 'ok' })).status).toBe(200);
  });

  it('survives a malformed request over a raw socket', async () => {
    const port = Number(new URL(url).port);
    expect(await rawExchange(port, 'GARBAGE\0\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect((await send(url + '/after-garbage', { body: 'ok' })).status).toBe(200);
  });

  it('list shows newest first, with filters, as a table and as NDJSON', async () => {
    const json = await runCli(['list', '--json', '--db', db, '--limit', '3']);
    const rows = json.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(rows[0].id).toBeGreaterThan(rows[1].id);
    expect(rows[0]).toHaveProperty('headers');
    const puts = await runCli(['list', '--json', '--db', db, '--method', 'put']);
    expect(puts.stdout.toString().trim().split('\n').map((l) => JSON.parse(l).method)).toEqual(['PUT']);
    const path = await runCli(['list', '--json', '--db', db, '--path', 'curl-src']);
    expect(path.stdout.toString().trim().split('\n').length).toBeGreaterThanOrEqual(1);
    const table = await runCli(['list', '--db', db]);
    expect(table.stdout.toString()).toMatch(/ID\s+TIME\s+METHOD\s+PATH\s+SIZE\s+STATUS/);
  });

  it('an unknown id exits 1 with "request N not found"', async () => {
    const r = await runCli(['show', '999999', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('request 999999 not found');
  });

  it('export → import round-trips exactly; HAR is valid JSON', async () => {
    const out = tmp.path('export.ndjson');
    expect((await runCli(['export', '--out', out, '--db', db])).code).toBe(0);
    const other = tmp.path('imported.db');
    const imp = await runCli(['import', out, '--db', other]);
    expect(imp.code, imp.stderr).toBe(0);
    const out2 = tmp.path('export2.ndjson');
    await runCli(['export', '--out', out2, '--db', other]);
    const strip = (l: string) => {
      const o = JSON.parse(l);
      delete o.id;
      delete o.importKey; // set on imported rows: the original's key
      return o;
    };
    const a = readFileSync(out, 'utf8').trim().split('\n').map(strip);
    const b = readFileSync(out2, 'utf8').trim().split('\n').map(strip);
    expect(b).toEqual(a);
    const har = await runCli(['export', '--format', 'har', '--db', db]);
    const parsed = JSON.parse(har.stdout.toString());
    expect(parsed.log.entries.length).toBe(a.length);
    writeFileSync(tmp.path('bad.ndjson'), '{"nope":1}\n');
    const bad = await runCli(['import', tmp.path('bad.ndjson'), '--db', other]);
    expect(bad.code).toBe(1);
  });

  it('prune deletes by count', async () => {
    const copy = tmp.path('prune.db');
    await runCli(['import', tmp.path('export.ndjson'), '--db', copy]);
    const r = await runCli(['prune', '--keep', '2', '--db', copy]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/2 left/);
    expect((await runCli(['prune', '--db', copy])).code).toBe(2);
  });
});

describe('CLI contract', () => {
  it('--help and --version exit 0; a usage error exits 2 with one line', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain('listen');
    for (const cmd of ['listen', 'list', 'show', 'export', 'import', 'prune']) {
      const h = await runCli([cmd, '--help']);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout.toString(), cmd).toContain('Examples:');
    }
    expect((await runCli(['--version'])).stdout.toString()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await runCli(['listen', '--port', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port expects a whole number');
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('says when the port is taken and suggests --port', async () => {
    const port = new URL(url).port;
    const r = await runCli(['listen', '--port', port, '--db', tmp.path('other.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already in use/);
    expect(r.stderr).toMatch(/--port/);
  });

  it('--help loads none of the heavy modules', () => {
    // ESM packages that matter here all pull in a CommonJS module (react, ws, undici, better-sqlite3),
    // so the CommonJS cache after running --help tells what was loaded.
    const cli = new URL('../../dist/cli.js', import.meta.url).pathname;
    const probe = `import(${JSON.stringify(cli)}).then((m) => m.main(['node', 'hookdev', '--help'])).then(() => {
      process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)));
    })`;
    const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', probe]);
    const loaded = r.stderr.toString();
    expect(loaded).toContain('LOADED');
    for (const heavy of ['better-sqlite3', 'node_modules/ws/', 'node_modules/undici/', 'node_modules/ink/', 'node_modules/react/']) {
      expect(loaded).not.toContain(heavy);
    }
  });
});
