import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { makeTempDir } from '../helpers/tmp.js';

const SECRET = 'whsec_e2e_send_secret';
const stripe = new Stripe('sk_test_unused');
const tmp = makeTempDir('hookdev-send-e2e-');
const config = join(mkdtempSync(join(tmpdir(), 'hookdev-cfg-')), 'hookdev.config.json');
writeFileSync(config, '{}');
const env = { HOOKDEV_CONFIG: config, HOOKDEV_SECRET_STRIPE: '' };
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
afterAll(() => tmp.cleanup());

/** The official SDK as the handler; answers from `script` first (then 200 or 400 by the SDK's verdict). */
async function stripeApp(script: number[] = []) {
  const verdicts: boolean[] = [];
  const app = await startApp((req, res) => {
    let ok = true;
    try {
      stripe.webhooks.constructEvent(req.body, req.headers.find(([k]) => k.toLowerCase() === 'stripe-signature')?.[1] ?? '', SECRET);
    } catch {
      ok = false;
    }
    verdicts.push(ok);
    const scripted = script[verdicts.length - 1];
    res.writeHead(scripted ?? (ok ? 200 : 400)).end(ok ? 'ok' : 'bad signature');
  });
  apps.push(app);
  return Object.assign(app, { verdicts });
}

const cli = (args: string[], more: Record<string, string> = {}) => runCli(args, { env: { ...env, ...more } });

describe('hookdev send (the real binary)', () => {
  it('sends a signed Stripe event the SDK accepts; it is in the history with its delivery', async () => {
    const app = await stripeApp();
    const db = tmp.path('one.db');
    const r = await cli(['send', '--provider', 'stripe', '--secret', SECRET, '--to', `${app.url}/webhooks`, '--event', 'invoice.paid', '--set', 'data.object.amount_paid=5000', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(app.verdicts).toEqual([true]);
    const body = JSON.parse(app.received[0]!.body.toString()) as { type: string; data: { object: { amount_paid: number } } };
    expect([body.type, body.data.object.amount_paid]).toEqual(['invoice.paid', 5000]);
    expect(r.stdout.toString()).toMatch(/#1 {2}attempt 1 {2}→ http:\/\/127\.0\.0\.1:\d+\/webhooks {2}200/);
    const shown = JSON.parse((await cli(['show', 'last', '--json', '--db', db])).stdout.toString());
    expect(shown).toMatchObject({ source: 'send', method: 'POST', url: '/webhooks', provider: 'stripe', eventType: 'invoice.paid', signature: { status: 'valid' } });
    expect(Buffer.from(shown.bodyBase64, 'base64').equals(app.received[0]!.body)).toBe(true);
    expect(shown.deliveries).toMatchObject([{ kind: 'send', attempt: 1, status: 200 }]);
    expect(r.stdout.toString() + JSON.stringify(shown)).not.toContain(SECRET);
  });

  it('retries a 500 and reports each attempt; takes the secret from HOOKDEV_SECRET_STRIPE', async () => {
    const app = await stripeApp([500]);
    const db = tmp.path('retry.db');
    const r = await cli(['send', '--provider', 'stripe', '--to', app.url, '--backoff-max', '200ms', '--json', '--db', db], { HOOKDEV_SECRET_STRIPE: SECRET });
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.event)).toEqual(['attempt', 'waiting', 'attempt', 'sent', 'summary']);
    expect(lines[1]).toMatchObject({ nextAttempt: 2, reason: 'got 500' });
    expect(lines[3]).toMatchObject({ ok: true, attempts: 2, status: 200 });
    // latencies to 0.1 ms, not 1.377161000000001
    for (const k of ['p50', 'p99']) expect(String(lines[4]![k])).toMatch(/^\d+(\.\d)?$/);
    expect(app.verdicts).toEqual([true, true]);
    const shown = JSON.parse((await cli(['show', 'last', '--json', '--db', db])).stdout.toString());
    expect(shown.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([[1, 500], [2, 200]]);
  });

  it('exit 1 with one line when the handler refuses (400 is not retried)', async () => {
    const app = await stripeApp();
    const r = await cli(['send', '--provider', 'stripe', '--secret', 'whsec_not_the_one', '--to', app.url, '--db', tmp.path('fail.db')]);
    expect(r.code).toBe(1);
    expect(app.received).toHaveLength(1);
    expect(r.stderr.trim()).toBe('hookdev: 1 of 1 event did not get a 2xx');
    expect(r.stdout.toString()).toMatch(/not delivered: got 400 \(not retried/);
  });

  it('an unreachable target: the last line says how many attempts once, not twice', async () => {
    const r = await cli(['send', '--provider', 'github', '--secret', 's3cret', '--to', 'http://127.0.0.1:9/x', '--retries', '1', '--backoff-max', '1ms', '--db', tmp.path('down.db')]);
    expect(r.code).toBe(1);
    const last = r.stdout.toString().trim().split('\n').at(-1)!;
    expect(last).toMatch(/not delivered: connection refused; gave up after 2 attempts$/);
  });

  it('an answer that starts with 200 and breaks mid-body: delivered by its status, and the line says what broke', async () => {
    const server = createTcpServer((sock) => {
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        setImmediate(() => sock.destroy());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const r = await cli(['send', '--provider', 'stripe', '--secret', SECRET, '--to', url, '--db', tmp.path('broken.db')]);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toMatch(/attempt 1 {2}→ \S+ {2}200 \(then [^)]+\)/);
    } finally {
      server.close();
    }
  });

  it('usage errors: one line naming the flag, exit 2, nothing sent', async () => {
    const app = await stripeApp();
    const base = ['send', '--to', app.url, '--db', tmp.path('usage.db')];
    const cases: Array<[string[], RegExp]> = [
      [['--provider', 'acme', '--secret', 'x'], /unknown provider "acme" for --provider/],
      [['--provider', 'stripe', '--secret', 'x', '--event', 'charge.nope'], /unknown --event "charge.nope" for stripe/],
      [['--provider', 'stripe', '--secret', 'x', '--set', 'id.inner=1'], /--set id\.inner: id is not an object/],
      [['--provider', 'stripe', '--secret', 'x', '--set', 'novalue'], /--set expects path=value/],
      [['--provider', 'stripe'], /--secret is required to sign stripe events/],
      [['--provider', 'discord', '--secret', 'not-a-key'], /--secret \*+-key: discord: cannot sign/],
      [['--provider', 'stripe', '--secret', 'x', '--duplicates', '2'], /--duplicates expects a share between 0 and 1/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...base, ...args]);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const noTo = await cli(['send', '--provider', 'stripe', '--secret', 'x']);
    expect([noTo.code, noTo.stderr.split('\n')[0]]).toEqual([2, 'hookdev: --to is required']);
    expect(app.received).toHaveLength(0);
  });

  it('--list-events', async () => {
    const r = await cli(['send', '--provider', 'stripe', '--list-events']);
    expect(r.code).toBe(0);
    const names = r.stdout.toString().trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['payment_intent.succeeded', 'checkout.session.completed', 'customer.subscription.updated', 'invoice.paid']);
    const gh = await cli(['send', '--provider', 'github', '--list-events', '--json']);
    expect(gh.stdout.toString().trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['push', 'pull_request', 'issues', 'ping']);
  });

  it('load mode: count, concurrency, duplicates, shuffle; a summary; every send in the history', async () => {
    const app = await stripeApp();
    const db = tmp.path('load.db');
    const r = await cli(['send', '--provider', 'stripe', '--secret', SECRET, '--to', app.url, '--count', '20', '--concurrency', '4', '--duplicates', '0.25', '--shuffle', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^sent 20 events \(\+5 duplicates\): 25 2xx, 0 retried, 0 failed; 25 attempts; latency p50 \S+ p99 \S+; \d+ events\/s\n$/);
    expect(app.verdicts.filter((v) => v)).toHaveLength(25);
    const list = (await cli(['list', '--json', '--limit', '100', '--db', db])).stdout.toString().trim().split('\n');
    expect(list).toHaveLength(25);
    // Written by the history worker: each row with its final status, its delivery and a valid verdict.
    const rows = list.map((l) => JSON.parse(l) as { id: number; status: number; signature: { status: string } });
    expect(rows.map((row) => [row.status, row.signature.status])).toEqual(Array(25).fill([200, 'valid']));
    const shown = JSON.parse((await cli(['show', String(rows[7]!.id), '--json', '--db', db])).stdout.toString());
    expect(shown.deliveries).toMatchObject([{ kind: 'send', attempt: 1, status: 200, error: null }]);
  });

  it('--shuffle --json: the copy sent first is never the one called a duplicate, as in the history', async () => {
    const app = await stripeApp();
    const db = tmp.path('shuffled.db');
    // Every event twice, four in flight: the shuffle puts many "second" copies first, some next to their twin.
    const r = await cli(['send', '--provider', 'stripe', '--secret', SECRET, '--to', app.url, '--count', '12', '--duplicates', '1', '--shuffle', '--concurrency', '4', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const sent = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { event: string; eventId: string; requestId: number; duplicate: boolean }).filter((e) => e.event === 'sent');
    expect(sent).toHaveLength(24);
    const rows = (await cli(['list', '--json', '--limit', '100', '--db', db])).stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { id: number; duplicateOf: number | null });
    const dupInHistory = new Map(rows.map((row) => [row.id, row.duplicateOf !== null]));
    const seen = new Set<string>();
    for (const e of sent) {
      expect(e.duplicate, `event ${e.eventId}`).toBe(seen.has(e.eventId));
      expect(e.duplicate).toBe(dupInHistory.get(e.requestId));
      seen.add(e.eventId);
    }
  });
});
