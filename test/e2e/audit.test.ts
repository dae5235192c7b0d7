import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { makeTempDir } from '../helpers/tmp.js';
import { correctHandler, SECRETS } from '../integration/send/sdk-handlers.js';

const tmp = makeTempDir('hookdev-audit-e2e-');
const config = join(mkdtempSync(join(tmpdir(), 'hookdev-cfg-')), 'hookdev.config.json');
writeFileSync(config, '{}');
const env = { HOOKDEV_CONFIG: config };
const SECRET = SECRETS.stripe!.sign;
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
afterAll(() => tmp.cleanup());

async function app(verify = true): Promise<TestApp> {
  const a = await startApp();
  const good = correctHandler('stripe', () => a.url, { maxBody: 32 * 1024 });
  a.handler = verify ? good : (req, res) => (req.method === 'POST' && req.body.length <= 32 * 1024 ? res.writeHead(200).end() : good(req, res));
  apps.push(a);
  return a;
}

const audit = (args: string[]) => runCli(['audit', ...args, '--max-body', '64kb', '--fast', '5s'], { env });

describe('hookdev audit (the real binary)', () => {
  it('a correct handler: the table, every check passed, exit 0, every request in the history', async () => {
    const a = await app();
    const db = tmp.path('good.db');
    const r = await audit([`${a.url}/webhooks`, '--provider', 'stripe', '--secret', SECRET, '--db', db]);
    const out = r.stdout.toString();
    expect(r.code).toBe(0);
    expect(out).toMatch(/CHECK\s+STATUS\s+TIME\s+WHY/);
    for (const check of ['accepts-valid', 'rejects-bad-signature', 'rejects-stale-timestamp', 'oversized-body', 'concurrent-burst', 'wrong-content-type']) {
      expect(out).toMatch(new RegExp(`✓\\s+${check}\\s`));
    }
    expect(out.trim().split('\n').at(-1)).toBe('13 passed, 0 warnings, 0 failed');
    expect(r.stderr).toMatch(/^auditing http:\/\/127\.0\.0\.1:\d+\/webhooks as stripe \(deadline 10\.0s, 13 checks\)\n$/);
    const rows = (await runCli(['list', '--json', '--limit', '200', '--db', db], { env })).stdout.toString().trim().split('\n');
    expect(rows).toHaveLength(a.received.length);
    const statuses = rows.map((l) => (JSON.parse(l) as { signature?: { status: string } }).signature?.status);
    expect(statuses).toContain('invalid');
    expect(statuses).toContain('valid');
  });

  it('one check: "1 check", not "1 checks"', async () => {
    const r = await audit(['http://127.0.0.1:9/webhooks', '--provider', 'stripe', '--secret', SECRET, '--only', 'accepts-valid', '--db', tmp.path('one.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('auditing http://127.0.0.1:9/webhooks as stripe (deadline 10.0s, 1 check)');
  });

  it('nothing listening: the first event says so, the other checks are skipped, and one line names the URL', async () => {
    const url = 'http://127.0.0.1:9/webhooks';
    const r = await audit([url, '--provider', 'stripe', '--secret', SECRET, '--db', tmp.path('down.db')]);
    const out = r.stdout.toString();
    expect(r.code).toBe(1);
    expect(out).toMatch(/✗\s+accepts-valid\s+—\s+\S+\s+no answer \(connection refused\): nothing listens at the URL/);
    expect(out.match(/not run: nothing answers \(connection refused\)/g)).toHaveLength(12);
    expect(out.trim().split('\n').at(-1)).toBe('0 passed, 0 warnings, 1 failed, 12 skipped');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`hookdev: nothing answers at ${url} (connection refused); 12 checks not run`);
    // one event was sent, not thirteen
    const rows = (await runCli(['list', '--json', '--db', tmp.path('down.db')], { env })).stdout.toString().trim().split('\n');
    expect(rows).toHaveLength(1);
  });

  it('a handler that never answers: the first request times out at the deadline, the rest are not run (each would wait 30 s)', async () => {
    const a = await startApp(() => undefined); // reads every request, answers none
    apps.push(a);
    const url = `${a.url}/webhooks`;
    const r = await runCli(['audit', url, '--provider', 'stripe', '--secret', SECRET, '--deadline', '1s', '--fast', '500ms', '--db', tmp.path('hung.db')], { env });
    const out = r.stdout.toString();
    expect(r.code).toBe(1);
    expect(out).toMatch(/✗\s+accepts-valid\s+—/);
    expect(out.match(/not run: no answer within 1\.0s to the first request/g)).toHaveLength(12);
    expect(out.trim().split('\n').at(-1)).toBe('0 passed, 0 warnings, 1 failed, 12 skipped');
    expect(r.stderr.trim().split('\n').slice(-2)).toEqual([
      `hookdev: ${url} gave no answer within 1.0s to the first request; 12 checks not run`,
      '  hint: answer a webhook within the deadline (queue slow work), or give it longer with --deadline',
    ]);
    expect(a.received).toHaveLength(1);
  });

  it('a handler that does not verify: failures with hints, one line on stderr, exit 1; --json one object per check', async () => {
    const a = await app(false);
    const r = await audit([a.url, '--provider', 'stripe', '--secret', SECRET, '--db', tmp.path('bad.db')]);
    expect(r.code).toBe(1);
    const out = r.stdout.toString();
    expect(out).toMatch(/✗\s+rejects-bad-signature\s+200\s/);
    expect(out).toMatch(/✗ rejects-bad-signature: sent the valid event with one character of Stripe-Signature changed \(hookdev show \d+ --db \S+bad\.db\)\n {2}hint: verify every request before acting on it, with stripe\.webhooks\.constructEvent/);
    // It also takes any content type: advisory, a warning only.
    expect(out).toMatch(/!\s+wrong-content-type\s+200\s+\S+\s+got 200: accepts a body labelled text\/plain \(advisory\)/);
    expect(out.trim().split('\n').at(-1)).toBe('6 passed, 1 warning, 6 failed');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'hookdev: 6 checks failed: rejects-bad-signature, rejects-missing-signature, rejects-wrong-secret, rejects-stale-timestamp, rejects-reserialized-body, rejects-tampered-body',
    );

    const j = await audit([a.url, '--provider', 'stripe', '--secret', SECRET, '--json', '--only', 'accepts-valid,rejects-wrong-secret', '--db', tmp.path('bad.db')]);
    expect(j.code).toBe(1);
    const lines = j.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.every((l) => l.event === 'check')).toBe(true);
    expect(lines.map((l) => [l.check, l.result, l.status])).toEqual([
      ['accepts-valid', 'pass', 200],
      ['rejects-wrong-secret', 'fail', 200],
    ]);
    expect(lines[1]).toMatchObject({ reason: 'got 200: a signature made with another secret was accepted', hint: expect.stringMatching(/constructEvent/) });
  });

  it('refuses a URL that is not on this machine unless --allow-remote, in one line; bad flags exit 2', async () => {
    const r = await audit(['http://192.0.2.1/webhooks', '--provider', 'stripe', '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'hookdev: refusing to audit the URL http://192.0.2.1/webhooks: it is not on this machine and the audit sends invalid and oversized requests on purpose; pass --allow-remote if it is yours',
    );
    for (const [args, message] of [
      [['--only', 'rejects-everything'], /unknown check "rejects-everything" in --only/],
      [['--deadline', 'soon'], /--deadline expects seconds or a duration/],
      [['--provider', 'nope'], /unknown provider "nope"/],
    ] as Array<[string[], RegExp]>) {
      const x = await audit(['http://127.0.0.1:9/x', '--provider', 'stripe', '--secret', SECRET, ...args]);
      expect(x.code).toBe(2);
      expect(x.stderr).toMatch(message);
    }
  });
});
