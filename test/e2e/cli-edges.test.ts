// Rough edges a QA pass found in the CLI contract: each case is run through the real binary as a user would.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { startApp } from '../helpers/forward.js';
import { openStore } from '../../src/store/index.js';

const { tmp, db } = historyWithOneCapture('hookdev-edges-');
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };


describe('CLI edges', () => {
  it('an unknown command with --help is refused, not answered with the root help', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'serve'");
    expect(r.stdout.toString()).toBe('');
    // a known command's help still works
    expect((await runCli(['list', '--help'])).code).toBe(0);
  });

  it('list on an empty (0-byte) file says there is no history and leaves the file as it was', async () => {
    const empty = tmp.path('empty.db');
    writeFileSync(empty, '');
    const r = await runCli(['list', '--db', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(the file is empty)');
    expect(statSync(empty).size).toBe(0);
    expect(existsSync(`${empty}-wal`)).toBe(false);
  });

  it('a missing --body-file is named in words, not as an errno code', async () => {
    const r = await runCli(['verify', '--secret', 'whsec_x', '--body-file', tmp.path('nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
    expect(r.stderr).not.toContain('ENOENT');
  });

  it("HAR export names this build's version as its creator", async () => {
    const r = await runCli(['export', '--format', 'har', '--db', db]);
    expect(r.code).toBe(0);
    const har = JSON.parse(r.stdout.toString()) as { log: { creator: { name: string; version: string }; entries: unknown[] } };
    expect(har.log.creator).toEqual({ name: 'hookdev', version });
    expect(har.log.entries).toHaveLength(1);
  });

  it('replay --edit without a terminal and without EDITOR stops in one line instead of running vi into a pipe', async () => {
    const env = { EDITOR: '', VISUAL: '' };
    const r = await runCli(['replay', 'last', '--edit', '--to', 'http://127.0.0.1:9', '--db', db], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--edit opens vi, which needs a terminal');
    expect(r.stdout.toString()).not.toContain('\x1b[');
  });

  it('replay of a row whose path holds raw non-ASCII text (an imported one) sends it percent-encoded, as curl would', async () => {
    const raw = tmp.path('raw-path.db');
    const store = openStore(raw);
    store.insertMany([{ incoming: { source: 'import', method: 'POST', url: '/hooks/日本語 x/%2F?q=é&r=1', httpVersion: '1.1', remoteAddr: '', headers: [['Content-Type', 'application/json']], body: Buffer.from('{"n":1}'), receivedAt: Date.now() }, verdict: null, responseStatus: 200 }]);
    store.close();
    const app = await startApp();
    try {
      const r = await runCli(['replay', 'last', '--to', app.url, '--db', raw]);
      expect(r.stderr).not.toMatch(/error|invalid/i);
      expect(r.code).toBe(0);
      // the %2F that was already escaped stays as it was
      expect(app.received.map((x) => x.url)).toEqual(['/hooks/%E6%97%A5%E6%9C%AC%E8%AA%9E%20x/%2F?q=%C3%A9&r=1']);
      expect(app.received[0]!.body.toString()).toBe('{"n":1}');
    } finally {
      await app.stop();
    }
  });
});
