import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send } from '../helpers/http.js';

const SECRET = 'whsec_e2e_secret_1234';
const tmp = makeTempDir();
const db = tmp.path('sig.db');
let listen: RunningCli;
let url = '';

function stripeHeader(body: string, t: number, secret = SECRET): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

beforeAll(async () => {
  listen = startCli(['listen', '--port', '0', '--db', db, '--secret', `stripe=${SECRET}`]);
  url = (await listen.waitForEvent((e) => e.event === 'listening')).url as string;
});
afterAll(async () => {
  await listen.stop();
  tmp.cleanup();
});

describe('signatures end to end', () => {
  const body = '{"id":"evt_e2e_1","type":"payment_intent.succeeded","object":"event"}';

  it('a signed Stripe request shows valid in show --json, with event type and id', async () => {
    const now = Math.floor(Date.now() / 1000);
    await send(url + '/stripe', { body, headers: [['Stripe-Signature', stripeHeader(body, now)], ['Content-Type', 'application/json']] });
    const ev = await listen.waitForEvent((e) => e.event === 'request' && e.url === '/stripe');
    expect(ev.signature).toMatchObject({ status: 'valid' });
    const shown = JSON.parse((await runCli(['show', String(ev.id), '--json', '--db', db])).stdout.toString());
    expect(shown).toMatchObject({ provider: 'stripe', eventType: 'payment_intent.succeeded', eventId: 'evt_e2e_1', signature: { status: 'valid' } });
  });

  it('the same with one byte changed shows invalid with a reason, and is marked as a duplicate', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tampered = body.replace('succeeded', 'succeedee');
    await send(url + '/stripe-tampered', { body: tampered, headers: [['Stripe-Signature', stripeHeader(body, now)]] });
    const ev = await listen.waitForEvent((e) => e.event === 'request' && e.url === '/stripe-tampered');
    const shown = JSON.parse((await runCli(['show', String(ev.id), '--json', '--db', db])).stdout.toString());
    expect(shown.signature.status).toBe('invalid');
    expect(shown.signature.reason).toMatch(/did not match/);
    expect(shown.signature.diagnosis).toMatch(/sha256/);
    expect(shown.duplicateOf).toBeGreaterThan(0);
    const human = await runCli(['show', String(ev.id), '--db', db]);
    expect(human.stdout.toString()).toMatch(/duplicate delivery of #\d+/);
    expect(human.stdout.toString()).not.toContain(SECRET);
  });

  it('lists provider, event and verdict columns', async () => {
    const table = (await runCli(['list', '--db', db])).stdout.toString();
    expect(table).toMatch(/PROVIDER\s+EVENT\s+SIGNATURE/);
    expect(table).toContain('payment_intent.succeeded');
    expect(table).toMatch(/✓ signed/);
    expect(table).toMatch(/✗/);
  });

  it('no secret printed in the listener output', () => {
    expect(JSON.stringify(listen.events)).not.toContain(SECRET);
    expect(listen.stderr()).not.toContain(SECRET);
  });
});

describe('hookdev verify', () => {
  const body = '{"id":"evt_123","amount":1000}';
  const header = 'Stripe-Signature: t=1700000000,v1=b87ce03968fbf6e86b133a4c341b233ac759bdf946672d2c8137318e45e6ec0c';
  const file = tmp.path('body.json');
  writeFileSync(file, body);

  it('exit 0 for a valid signature at --now', async () => {
    const r = await runCli(['verify', '--body-file', file, '--secret', 'whsec_test_secret', '-H', header, '--now', '1700000000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/valid stripe signature/);
  });

  it('exit 1 with the reason for an old timestamp, or a changed body, in JSON too', async () => {
    const old = await runCli(['verify', '--body-file', file, '--secret', 'whsec_test_secret', '-H', header, '--now', '1700000900']);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/too old by 900 s \(tolerance 300 s\)/);
    const j = await runCli(['verify', '--body-file', '-', '--secret', 'whsec_test_secret', '-H', header, '--now', '1700000000', '--json'], {
      input: body + '\n',
    });
    expect(j.code).toBe(1);
    const v = JSON.parse(j.stdout.toString());
    expect(v).toMatchObject({ valid: false, provider: 'stripe', status: 'invalid', code: 'no_match' });
    expect(v.diagnosis).toMatch(/newline/i);
  });

  it('--tolerance widens the window', async () => {
    const r = await runCli(['verify', '--body-file', file, '--secret', 'whsec_test_secret', '-H', header, '--now', '1700000900', '--tolerance', '1000']);
    expect(r.code).toBe(0);
  });

  it('checks a captured request as of when it arrived, with a secret given later', async () => {
    const last = await runCli(['verify', '1', '--secret', SECRET, '--db', db, '--json']);
    expect(last.code, last.stderr).toBe(0);
    const wrong = await runCli(['verify', '1', '--secret', 'whsec_other_0000', '--db', db]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain('whsec_other_0000');
  });

  it('exit 2 for usage errors: no headers, unknown provider, nothing to verify', async () => {
    expect((await runCli(['verify', '--body-file', file, '--secret', 'x'])).code).toBe(2);
    const unknown = await runCli(['verify', '--body-file', file, '--secret', 'x', '--provider', 'nope', '-H', header]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown provider "nope"/);
    expect((await runCli(['verify', '--secret', 'x'])).code).toBe(2);
  });
});
