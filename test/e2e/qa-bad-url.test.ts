// A URL with the right scheme that the URL parser refuses (port 99999): send and replay stopped with
// "internal error: Invalid URL" and a stack trace once the first request was built; now one line, exit 2.
import { describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';

const { tmp, db } = historyWithOneCapture('hookdev-qa-bad-url-');
const bad = 'http://127.0.0.1:99999/hook';


const noTrace = (stderr: string) => {
  expect(stderr).not.toContain('internal error');
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('an http URL the URL parser refuses', () => {
  it('send --to: exit 2, one line', async () => {
    const r = await runCli(['send', '--provider', 'github', '--secret', 's3cretvalue', '--to', bad, '--retries', '0', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--to expects a valid http(s) URL, got "${bad}"`);
    noTrace(r.stderr);
  });

  it('replay --to: exit 2, one line', async () => {
    const r = await runCli(['replay', 'last', '--to', 'http://127.0.0.1:99999', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to expects a valid http(s) URL');
    noTrace(r.stderr);
  });

  it('audit: exit 2, named as an invalid URL rather than a remote one', async () => {
    const r = await runCli(['audit', bad, '--provider', 'github', '--secret', 's3cretvalue', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be a valid http(s) URL');
    noTrace(r.stderr);
  });

  it('forwardTo in the config file: a config error (exit 2) for replay', async () => {
    const cfg = tmp.path('hookdev.config.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, JSON.stringify({ forwardTo: ['http://127.0.0.1:99999'] }));
    const r = await runCli(['replay', 'last', '--db', db], { env: { HOOKDEV_CONFIG: cfg } });
    expect(r.code).toBe(2);
    noTrace(r.stderr);
  });
});
