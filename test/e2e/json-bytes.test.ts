import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/forward.js';
import { captureInto, emptyConfigFile, replacingEditor } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

// Values JSON.parse + stringify would change: a big integer, an escape, a float written as 1.0, a repeated key.
const BODY = '{"big":12345678901234567890,"e":"\\u00e9","f":1.0,"dup":1,"dup":2,"n":1}';
const tmp = makeTempDir('hookdev-json-bytes-');
let db: string;
let app: TestApp;
beforeAll(async () => {
  db = tmp.path('h.db');
  await captureInto(db, [{ path: '/hooks', headers: [['Content-Type', 'application/json']], body: BODY }]);
  app = await startApp();
});
afterAll(async () => {
  await app.stop();
  tmp.cleanup();
});

const env = () => ({ HOOKDEV_CONFIG: emptyConfigFile() });

describe('JSON bodies are re-indented, never re-encoded (real binary)', () => {
  it('show prints the numbers, escapes and keys exactly as received', async () => {
    const r = await runCli(['show', '1', '--db', db], { env: env() });
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain('"big": 12345678901234567890');
    expect(out).toContain('"e": "\\u00e9"');
    expect(out).toContain('"f": 1.0');
    expect(out).toContain('"dup": 1,\n  "dup": 2');
  });

  it('replay --edit: a changed field goes out with every other value as it was', async () => {
    app.received.length = 0;
    const editor = replacingEditor(tmp.dir, '"n": 1', '"n": 2');
    const r = await runCli(['replay', '1', '--to', app.url, '--edit', '--db', db], { env: { ...env(), EDITOR: editor } });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const sent = app.received[0]!.body.toString();
    expect(sent.replace(/\s+/g, '')).toBe(BODY.replace('"n":1', '"n":2'));
  });

  it('replay --edit with nothing changed (or only re-indented) sends the original bytes', async () => {
    app.received.length = 0;
    const r = await runCli(['replay', '1', '--to', app.url, '--edit', '--db', db], { env: { ...env(), EDITOR: 'true' } });
    expect(r.code).toBe(0);
    const script = tmp.path('compact.mjs');
    // Rewrites the file compactly: white space only, no token changed.
    writeFileSync(script, `import { readFileSync, writeFileSync } from 'node:fs';\nconst f = process.argv[2];\nwriteFileSync(f, readFileSync(f, 'utf8').replace(/\\s+/g, ' '));\n`);
    const r2 = await runCli(['replay', '1', '--to', app.url, '--edit', '--db', db], { env: { ...env(), EDITOR: `${process.execPath} ${script}` } });
    expect(r2.code).toBe(0);
    expect(app.received.map((x) => x.body.toString())).toEqual([BODY, BODY]);
  });
});
