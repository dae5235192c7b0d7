// Durations that become timers: Node fires a timer longer than 2^31-1 ms after 1 ms (TimeoutOverflowWarning), so
// `send --timeout 3000000` timed every attempt out at once, and a 0 s timeout timed out before sending. Both are
// now usage errors (exit 2, one line) before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';

const { db } = historyWithOneCapture('hookdev-qa-durations-');
let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.stop());

const send = (...extra: string[]) =>
  runCli(['send', '--provider', 'stripe', '--secret', 'whsec_qa_abcdefgh', '--to', `${app.url}/hook`, '--retries', '0', '--db', db, ...extra]);

describe('durations hookdev cannot wait for', () => {
  it.each([
    ['--timeout', '3000000', 'too long'],
    ['--timeout', '0', 'above 0'],
    ['--backoff-max', '30d', 'too long'],
  ])('send %s %s: exit 2, nothing sent', async (flag, value, words) => {
    const before = app.received.length;
    const r = await send(flag, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag} `);
    expect(r.stderr).toContain(words);
    expect(r.stderr).not.toContain('TimeoutOverflowWarning');
    expect(app.received.length).toBe(before);
  });

  it('send --timeout just under the limit waits for the answer', async () => {
    const r = await send('--timeout', '2000000');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('TimeoutOverflowWarning');
  });

  it.each([
    ['--delay', '30d'],
    ['--timeout', '30d'],
  ])('replay %s %s: exit 2, nothing sent', async (flag, value) => {
    const before = app.received.length;
    const r = await runCli(['replay', 'last', '--to', app.url, flag, value, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag} is too long`);
    expect(app.received.length).toBe(before);
  });

  it('listen --response-delay 30d: exit 2', async () => {
    const r = await runCli(['listen', '--port', '0', '--response-delay', '30d', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--response-delay is too long');
  });
});
