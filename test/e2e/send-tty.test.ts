import { spawn } from '@lydell/node-pty';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('hookdev-send-tty-');
const config = join(mkdtempSync(join(tmpdir(), 'hookdev-cfg-')), 'hookdev.config.json');
writeFileSync(config, '{}');
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
afterAll(() => tmp.cleanup());

/** Run the binary in a real pseudo-terminal; resolves with everything it drew and its exit code. */
function inPty(args: string[]): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    const term = spawn(process.execPath, [BIN, ...args], { cols: 160, rows: 40, env: { ...process.env, NO_COLOR: '1', HOOKDEV_CONFIG: config } });
    let screen = '';
    term.onData((d) => (screen += d));
    term.onExit((e) => resolve({ code: e.exitCode, screen }));
  });
}

describe('hookdev send on a terminal', () => {
  it('shows a countdown while a retry waits', async () => {
    let n = 0;
    const app = await startApp((_req, res) => void res.writeHead(n++ === 0 ? 503 : 200).end());
    apps.push(app);
    const r = await inPty(['send', '--provider', 'github', '--secret', 's', '--to', app.url, '--backoff-max', '400ms', '--db', tmp.path('a.db')]);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/\r {2}retry 2 in \d+ms \(got 503\)/);
    expect(r.screen).toMatch(/delivered: got 200 \(2 attempts\)/);
  });

  it('draws a progress bar in load mode, then the summary', async () => {
    const app = await startApp();
    apps.push(app);
    const r = await inPty(['send', '--provider', 'github', '--secret', 's', '--to', app.url, '--count', '30', '--concurrency', '3', '--db', tmp.path('b.db')]);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/\[#{30}\] 30\/30 {2}2xx 30 {2}failed 0/);
    expect(r.screen).toMatch(/sent 30 events: 30 2xx, 0 retried, 0 failed/);
  });
});
