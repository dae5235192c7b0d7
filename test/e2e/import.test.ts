import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { captureInto } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('hookdev-import-');
const source = tmp.path('source.db');
const exported = tmp.path('export.ndjson');
beforeAll(async () => {
  await captureInto(source, [{ body: 'one' }, { body: 'two' }, { body: 'three' }]);
  const r = await runCli(['export', '--out', exported, '--db', source]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => tmp.cleanup());

async function ids(db: string): Promise<number[]> {
  const r = await runCli(['list', '--json', '--db', db]);
  return r.stdout.toString().trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
}

describe('hookdev import (real binary)', () => {
  it('is idempotent: the second import of a file adds nothing and says so', async () => {
    const db = tmp.path('twice.db');
    const first = await runCli(['import', exported, '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('imported 3 requests\n');
    const second = await runCli(['import', exported, '--db', db]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('imported 0 requests, skipped 3 already present\n');
    expect(await ids(db)).toHaveLength(3);
    // Back into the history it came from: already there.
    const home = await runCli(['import', exported, '--db', source]);
    expect(home.stderr).toBe('imported 0 requests, skipped 3 already present\n');
  });

  it('a HAR file (export --format har, or pretty-printed from devtools) is one line and exit 2, nothing imported', async () => {
    const har = tmp.path('export.har');
    const out = await runCli(['export', '--format', 'har', '--out', har, '--db', source]);
    expect(out.code, out.stderr).toBe(0);
    const pretty = tmp.path('pretty.har');
    writeFileSync(pretty, JSON.stringify(JSON.parse(readFileSync(har, 'utf8')), null, 2));
    for (const file of [har, pretty]) {
      const db = tmp.path(`har-${file.length}.db`);
      const r = await runCli(['import', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hookdev: ${file} is a HAR file; import reads the NDJSON of \`hookdev export\`\n  hint: export with the default --format ndjson to move requests between histories; HAR is for devtools and proxies\n`);
      expect(await ids(db)).toHaveLength(0);
    }
  });

  it('bad lines: the good ones are imported, the first five bad ones named, the rest counted, exit 1', async () => {
    const good = readFileSync(exported, 'utf8').trim().split('\n');
    const mixed = tmp.path('mixed.ndjson');
    writeFileSync(mixed, [good[0], ...Array.from({ length: 8 }, (_, i) => `{"id":"x${i}"}`), good[1]].join('\n') + '\n');
    const db = tmp.path('mixed.db');
    const r = await runCli(['import', mixed, '--db', db]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('imported 2 requests');
    expect(lines.slice(1, 6).map((l) => l.replace(/:.*/, ''))).toEqual(['  line 2', '  line 3', '  line 4', '  line 5', '  line 6']);
    expect(lines[6]).toBe('  … and 3 more');
    expect(lines[7]).toBe('hookdev: 8 lines could not be imported');
    expect(await ids(db)).toHaveLength(2);
  });

  it("keeps each row's original source", async () => {
    const db = tmp.path('source-kept.db');
    await runCli(['import', exported, '--db', db]);
    const r = await runCli(['list', '--json', '--db', db]);
    const sources = r.stdout.toString().trim().split('\n').map((l) => (JSON.parse(l) as { source: string }).source);
    expect(sources).toEqual(['http', 'http', 'http']);
  });

  it('names the line and the field of every bad line', async () => {
    const [line] = readFileSync(exported, 'utf8').trim().split('\n');
    const good = JSON.parse(line!) as Record<string, unknown>;
    const bad = tmp.path('bad.ndjson');
    writeFileSync(
      bad,
      [
        JSON.stringify(good),
        JSON.stringify({ ...good, id: 101, responseStatus: 42 }),
        JSON.stringify({ ...good, id: 102, signature: { status: 'ok', reason: null, detail: null } }),
        JSON.stringify({ ...good, id: 103, relayId: 7 }),
      ].join('\n') + '\n',
    );
    const r = await runCli(['import', bad, '--db', tmp.path('bad.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2: responseStatus: expected a whole number from 100 to 599, got 42');
    expect(r.stderr).toContain('line 3: signature.status: expected one of valid, invalid, unsigned, no-secret, got "ok"');
    expect(r.stderr).toContain('line 4: relayId: expected a string or null, got 7');
    expect(r.stderr).not.toMatch(/internal error|at .*\.js/);
  });

  it('never gives an id twice, even after a full prune', async () => {
    const db = tmp.path('prune.db');
    await runCli(['import', exported, '--db', db]);
    expect(await ids(db)).toEqual([3, 2, 1]);
    expect((await runCli(['prune', '--keep', '0', '--db', db])).code).toBe(0);
    await runCli(['import', exported, '--db', db]);
    expect(await ids(db)).toEqual([6, 5, 4]);
  });
});
