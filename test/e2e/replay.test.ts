import { writeFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { deadPort, startApp, type TestApp } from '../helpers/forward.js';
import { captureInto, emptyConfigFile, replacingEditor, runReplayInProcess } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const SECRET = 'whsec_e2e_replay_secret';
const stripe = new Stripe('sk_test_unused');
const tmp = makeTempDir('hookdev-replay-');
afterAll(() => tmp.cleanup());

/** The app side is the official SDK: 200 when constructEvent accepts, 400 with its message when not. */
async function stripeApp(): Promise<TestApp & { verdicts: string[] }> {
  const verdicts: string[] = [];
  const app = await startApp((req, res) => {
    const sig = req.headers.find(([k]) => k.toLowerCase() === 'stripe-signature')?.[1] ?? '';
    try {
      stripe.webhooks.constructEvent(req.body, sig, SECRET);
      verdicts.push('ok');
      res.writeHead(200).end('ok');
    } catch (err) {
      verdicts.push((err as Error).message);
      res.writeHead(400).end('bad signature');
    }
  });
  return Object.assign(app, { verdicts });
}

/** A Stripe event signed 10 minutes ago: past stripe-node's 5-minute tolerance. */
function oldStripeEvent(body: string) {
  const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 });
  return { path: '/hooks/stripe', headers: [['Content-Type', 'application/json'], ['Stripe-Signature', header]] as Array<[string, string]>, body };
}

const STRIPE_BODY = '{\n  "id": "evt_old",\n  "object": "event",\n  "type": "invoice.paid",\n  "data": {"amount": 100, "note": "Zoë ✓"}\r\n}';
let db: string;
let apps: TestApp[] = [];
beforeAll(async () => {
  db = tmp.path('history.db');
  await captureInto(db, [oldStripeEvent(STRIPE_BODY)]); // id 1
});
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
async function app<T extends TestApp>(p: Promise<T>): Promise<T> {
  const a = await p;
  apps.push(a);
  return a;
}

describe('replay --resign (Stripe SDK as the judge)', () => {
  it('a 10-minute-old event is rejected as is, and accepted once re-signed', async () => {
    const a = await app(stripeApp());
    const plain = await runReplayInProcess(['1', '--to', a.url, '--db', db]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/1 of 1 replay failed \(1 got 400\)/);
    expect(a.verdicts[0]).toMatch(/tolerance/i);

    const resigned = await runReplayInProcess(['1', '--to', a.url, '--resign', '--secret', `stripe=${SECRET}`, '--db', db]);
    expect(resigned.code).toBe(0);
    expect(a.verdicts[1]).toBe('ok');
    expect(a.received[1]!.body.equals(Buffer.from(STRIPE_BODY))).toBe(true);
    expect(a.received[1]!.url).toBe('/hooks/stripe');
    expect(resigned.stdout).toMatch(/#1 {2}→ http:\/\/127\.0\.0\.1:\d+\/hooks\/stripe {2}200/);
    expect(resigned.stderr).toMatch(/replaying to .* \(--to/);
  });

  it('takes the secret from HOOKDEV_SECRET_STRIPE', async () => {
    const a = await app(stripeApp());
    const r = await runReplayInProcess(['last', '--to', a.url, '--resign', '--db', db], { HOOKDEV_SECRET_STRIPE: SECRET });
    expect(r.code).toBe(0);
    expect(a.verdicts).toEqual(['ok']);
  });

  it('without a secret: usage error naming the env var, nothing sent', async () => {
    const a = await app(stripeApp());
    const r = await runReplayInProcess(['1', '--to', a.url, '--resign', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no stripe secret/);
    expect(r.stderr).toMatch(/HOOKDEV_SECRET_STRIPE/);
    expect(a.received).toHaveLength(0);
  });

  it('a request with no provider cannot be re-signed', async () => {
    const d = tmp.path('plain.db');
    await captureInto(d, [{ body: 'x' }]);
    const r = await runReplayInProcess(['1', '--to', 'http://127.0.0.1:9', '--resign', '--db', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no known provider/);
  });
});

describe('replay targets', () => {
  it('no target at all: usage error with a hint', async () => {
    const d = tmp.path('notarget.db');
    await captureInto(d, [{ body: 'x' }]);
    const r = await runReplayInProcess(['last', '--db', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no target/);
    expect(r.stderr).toMatch(/hint: pass --to/);
  });

  it('defaults to forwardTo[0] from the config, then to the last target used', async () => {
    const a = await app(startApp());
    const d = tmp.path('targets.db');
    await captureInto(d, [{ path: '/p', body: 'x' }]);
    const config = tmp.path('hookdev.config.json');
    writeFileSync(config, JSON.stringify({ forwardTo: [`${a.url}/base`] }));
    const viaConfig = await runReplayInProcess(['1', '--db', d], { HOOKDEV_CONFIG: config });
    expect(viaConfig.code).toBe(0);
    expect(viaConfig.stderr).toMatch(/forwardTo in the config/);
    expect(a.received[0]!.url).toBe('/base/p');
    const viaLast = await runReplayInProcess(['1', '--db', d]);
    expect(viaLast.code).toBe(0);
    expect(viaLast.stderr).toMatch(/the last target used/);
    expect(a.received[1]!.url).toBe('/base/p');
  });

  it('a dead target: exit 1 with a summary, recorded as a failed replay', async () => {
    const d = tmp.path('dead.db');
    await captureInto(d, [{ body: 'x' }]);
    const r = await runReplayInProcess(['1', '--to', `http://127.0.0.1:${await deadPort()}`, '--db', d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 of 1 replay failed \(1 unreachable\)/);
    const s = openStore(d);
    expect(s.deliveries(1)[0]).toMatchObject({ kind: 'replay', status: null, error: 'connection refused' });
    s.close();
  });
});

describe('replay strategies', () => {
  const BODIES = [
    Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80, 0x7f]),
    Buffer.from('  {"odd":\t"whitespace"}  \n\n', 'utf8'),
    Buffer.from('crlf\r\nlines\r\n', 'utf8'),
    Buffer.from('ünïcødé 🚀', 'utf8'),
  ];
  let rangeDb: string;
  beforeAll(async () => {
    rangeDb = tmp.path('range.db');
    await captureInto(rangeDb, BODIES.map((body, i) => ({ path: `/r/${i + 1}`, headers: [['X-N', String(i + 1)]] as Array<[string, string]>, body })));
  });

  it('replays a range byte-exact, stored as replay deliveries; --json prints NDJSON', async () => {
    const a = await app(startApp());
    const r = await runReplayInProcess(['1..4', '--to', a.url, '--db', rangeDb, '--json']);
    expect(r.code).toBe(0);
    expect(a.received.map((x) => x.url)).toEqual(['/r/1', '/r/2', '/r/3', '/r/4']);
    a.received.forEach((x, i) => expect(x.body.equals(BODIES[i]!)).toBe(true));
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ event: 'delivery', requestId: 1, kind: 'replay', status: 200, attempt: 1 });
    const s = openStore(rangeDb);
    expect(s.deliveries(4).at(-1)).toMatchObject({ kind: 'replay', status: 200 });
    s.close();
  });

  it('--times sends copies; --set-header overrides', async () => {
    const a = await app(startApp());
    const r = await runReplayInProcess(['2', '--to', a.url, '--db', rangeDb, '--times', '3', '--set-header', 'X-N: 99', '--set-header', 'X-Extra: yes']);
    expect(r.code).toBe(0);
    expect(a.received).toHaveLength(3);
    for (const x of a.received) {
      expect(x.body.equals(BODIES[1]!)).toBe(true);
      expect(x.headers.filter(([k]) => k === 'X-N')).toEqual([['X-N', '99']]);
      expect(x.headers).toContainEqual(['X-Extra', 'yes']);
    }
    expect(r.stdout).toMatch(/copy 3 of 3/);
  });

  it('--shuffle sends every request once in some order; --delay spaces them', async () => {
    const a = await app(startApp());
    const r = await runReplayInProcess(['1..4', '--to', a.url, '--db', rangeDb, '--shuffle', '--delay', '10ms']);
    expect(r.code).toBe(0);
    expect(a.received.map((x) => x.url).sort()).toEqual(['/r/1', '/r/2', '/r/3', '/r/4']);
  });

  it('reports partial failure in one line', async () => {
    let n = 0;
    const a = await app(startApp((_req, res) => void res.writeHead(++n % 2 ? 200 : 500).end()));
    const r = await runReplayInProcess(['1', '--to', a.url, '--db', rangeDb, '--times', '4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 of 4 replays failed \(2 got 500\)/);
  });
});

describe('replay --edit', () => {
  it('an unedited body goes out byte-exact with its original signature', async () => {
    const a = await app(stripeApp());
    const r = await runReplayInProcess(['1', '--to', a.url, '--edit', '--db', db], { EDITOR: 'true', HOOKDEV_SECRET_STRIPE: SECRET });
    expect(r.code).toBe(1); // still 10 minutes old: nothing was re-signed
    expect(a.received[0]!.body.equals(Buffer.from(STRIPE_BODY))).toBe(true);
    expect(a.verdicts[0]).toMatch(/tolerance/i);
  });

  it('an edited body is re-signed when the secret is known, and the SDK accepts it', async () => {
    const a = await app(stripeApp());
    const r = await runReplayInProcess(['1', '--to', a.url, '--edit', '--db', db], {
      EDITOR: replacingEditor(tmp.dir, '"amount": 100', '"amount": 250'),
      HOOKDEV_SECRET_STRIPE: SECRET,
    });
    expect(r.code).toBe(0);
    expect(a.verdicts).toEqual(['ok']);
    const sent = JSON.parse(a.received[0]!.body.toString()) as { data: { amount: number; note: string } };
    expect(sent.data).toEqual({ amount: 250, note: 'Zoë ✓' });
  });
});

describe('the real binary', () => {
  it('hookdev replay --resign: exit 0 and accepted by the Stripe SDK', async () => {
    const a = await app(stripeApp());
    const r = await runCli(['replay', '1', '--to', a.url, '--resign', '--db', db, '--json'], { env: { HOOKDEV_SECRET_STRIPE: SECRET, HOOKDEV_CONFIG: emptyConfigFile() } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.toString().trim())).toMatchObject({ event: 'delivery', kind: 'replay', status: 200 });
    expect(a.verdicts).toEqual(['ok']);
  });

  it('hookdev replay with no target: exit 2', async () => {
    const d = tmp.path('cli-notarget.db');
    await captureInto(d, [{ body: 'x' }]);
    const r = await runCli(['replay', 'last', '--db', d], { env: { HOOKDEV_CONFIG: emptyConfigFile() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no target/);
  });
});
