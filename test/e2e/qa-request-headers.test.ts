// A header the HTTP client refuses to send (it frames the body or the connection) is a usage error at start-up:
// before, send/audit/replay took the client's refusal for a network failure and retried it with backoff (exit 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';

const { db } = historyWithOneCapture('hookdev-qa-headers-');
let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.stop());

const send = (header: string) =>
  runCli(['send', '--provider', 'stripe', '--secret', 'whsec_qa_abcdefgh', '--to', `${app.url}/hook`, '--retries', '0', '-H', header, '--db', db]);

describe('request headers hookdev cannot send', () => {
  it.each(['Transfer-Encoding: chunked', 'Expect: 100-continue', 'Upgrade: websocket', 'Keep-Alive: timeout=5', 'Connection: upgrade', 'Content-Length: 5'])(
    'send -H %j: one line, exit 2, nothing sent',
    async (header) => {
      const before = app.received.length;
      const r = await send(header);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`-H ${JSON.stringify(header)}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(app.received.length).toBe(before);
    },
  );

  it('send -H "Connection: close" is still sent', async () => {
    const before = app.received.length;
    const r = await send('Connection: close');
    expect(r.code).toBe(0);
    expect(app.received.length).toBe(before + 1);
  });

  it('replay --set-header "Transfer-Encoding: chunked": exit 2 before anything goes out', async () => {
    const before = app.received.length;
    const r = await runCli(['replay', 'last', '--to', app.url, '--set-header', 'Transfer-Encoding: chunked', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set-header "Transfer-Encoding: chunked"');
    expect(app.received.length).toBe(before);
  });
});
