import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from '../../../src/forward/exchange.js';
import { storeHistory } from '../../../src/send/history.js';
import { builtinProfile, builtinProfileNames } from '../../../src/send/profiles.js';
import { deliverEvent, runSends, type SendEvent, type SenderDeps } from '../../../src/send/sender.js';
import { buildEvent } from '../../../src/send/message.js';
import { resolveSpec } from '../../../src/send/spec.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { startApp, type AppRequest, type TestApp } from '../../helpers/forward.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { lowerHeaders, SECRETS, verifies } from './sdk-handlers.js';

const tmp = makeTempDir('hookdev-send-');
const pool = new Agent({ connections: 32 });
let apps: TestApp[] = [];
let store: Store;
beforeAll(() => {
  store = openStore(tmp.path('history.db'));
});
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
afterAll(async () => {
  store.close();
  await pool.close();
  tmp.cleanup();
});

const spec = (provider: string, to: string, more: { event?: string } = {}) =>
  resolveSpec({ provider, secret: SECRETS[provider]!.sign, configured: {}, to, event: more.event, overrides: [], headers: [], generic: [] });

const send = (req: Parameters<typeof exchange>[0], timeoutMs: number) => exchange(req, { dispatcher: pool, totalTimeoutMs: timeoutMs, keepBytes: 65536 });

/** Real clock and sleeps (for the SDKs, which read the real clock). */
const realDeps = (history?: SenderDeps['history']): SenderDeps => ({
  now: Date.now,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
  exchange: send,
  history,
});

/** A fake clock: sleeping advances it at once and is recorded, so backoff is checked without waiting. */
function fakeClock(startMs: number, random = () => 0.5): SenderDeps & { sleeps: number[]; at: () => number } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random,
    exchange: send,
    sleeps,
    at: () => now,
  };
}

/** An app whose answers follow a script (then 200), judging each request with the provider's SDK. */
async function scriptedApp(provider: string, script: Array<{ status: number; headers?: Record<string, string> }>) {
  const verdicts: boolean[] = [];
  let i = 0;
  const app = await startApp((req, res) => {
    void verifies(provider, req, app.url).then((ok) => {
      verdicts.push(ok);
      const step = script[i++] ?? { status: 200 };
      res.writeHead(step.status, step.headers ?? {}).end();
    });
  });
  apps.push(app);
  return Object.assign(app, { verdicts });
}

const policy = { retries: 5, baseMs: 1000, capMs: 300_000 };
const POLICY = { policy, timeoutMs: 10_000 };

describe('every sample of every provider verifies with the official SDK (or the documented scheme)', () => {
  for (const provider of builtinProfileNames) {
    it(provider, async () => {
      const verdicts: Array<[string, boolean]> = [];
      const app = await startApp((req: AppRequest, res) => {
        void verifies(provider, req, app.url).then((ok) => {
          verdicts.push([lowerHeaders(req)['content-type'] ?? '', ok]);
          res.writeHead(ok ? 200 : 400).end();
        });
      });
      apps.push(app);
      const history = storeHistory(store, { provider, secret: SECRETS[provider]!.sign, generic: [] });
      for (const sample of builtinProfile(provider)!.events) {
        const s = spec(provider, `${app.url}/hooks/${provider}?x=1`, { event: sample.type });
        const events: SendEvent[] = [];
        const r = await deliverEvent(s, buildEvent(s, 1, Date.now()), POLICY, realDeps(history), (e) => events.push(e));
        expect([sample.type, r.ok, r.attempts]).toEqual([sample.type, true, 1]);
        const done = events.find((e) => e.type === 'event')!;
        await history.drain();
        const stored = store.get(done.type === 'event' ? done.requestId! : -1)!;
        // A receiver with the same secret reaches the same verdict hookdev stored.
        expect([stored.source, stored.provider, stored.signatureStatus, stored.eventId]).toEqual(['send', provider, 'valid', done.type === 'event' ? done.eventId : null]);
        expect(store.deliveries(stored.id).map((d) => [d.kind, d.attempt, d.status])).toEqual([['send', 1, 200]]);
      }
      expect(verdicts.every(([, ok]) => ok)).toBe(true);
    });
  }

  it('events carry the real header sets (GitHub, Stripe envelope)', async () => {
    const app = await scriptedApp('github', []);
    const s = spec('github', `${app.url}/gh`, { event: 'pull_request' });
    await deliverEvent(s, buildEvent(s, 1, Date.now()), POLICY, realDeps(), () => undefined);
    const h = lowerHeaders(app.received[0]!);
    expect(h['x-github-event']).toBe('pull_request');
    expect(h['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['x-github-hook-id']).toMatch(/^\d+$/);
    expect(h['user-agent']).toMatch(/^GitHub-Hookshot\/[0-9a-f]{7}$/);
    expect(h['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(h['x-hub-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);

    const st = spec('stripe', `${app.url}/st`, { event: 'checkout.session.completed' });
    const ev = buildEvent(st, 1, Date.now());
    const body = JSON.parse(ev.body.toString()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['id', 'object', 'api_version', 'created', 'type', 'data']));
    expect(body.id).toMatch(/^evt_\w{24}$/);
    expect(body.type).toBe('checkout.session.completed');
    expect((body.data as { object: { object: string } }).object.object).toBe('checkout.session');
    expect(Math.abs((body.created as number) - Date.now() / 1000)).toBeLessThan(60);
  });
});

describe('good-sender retries (injected clock)', () => {
  it('500, 500, 200: three attempts of the same event, each validly signed with a fresh timestamp, gaps growing', async () => {
    const app = await scriptedApp('stripe', [{ status: 500 }, { status: 500 }, { status: 200 }]);
    const s = spec('stripe', `${app.url}/hooks`);
    const start = Math.floor(Date.now() / 1000) * 1000;
    const deps = fakeClock(start, () => 0.999);
    const events: SendEvent[] = [];
    const r = await deliverEvent(s, buildEvent(s, 1, deps.now()), POLICY, deps, (e) => events.push(e));
    expect(r).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(app.verdicts).toEqual([true, true, true]);
    const bodies = app.received.map((q) => q.body.toString());
    expect(new Set(bodies).size).toBe(1);
    const ids = bodies.map((b) => (JSON.parse(b) as { id: string }).id);
    expect(new Set(ids).size).toBe(1);
    // Equal jitter: between 500 and 1000 ms, then between 1000 and 2000 ms (random() = 0.999 here).
    expect(deps.sleeps).toEqual([1000, 1999]);
    expect(deps.sleeps[1]!).toBeGreaterThan(deps.sleeps[0]!);
    const ts = app.received.map((q) => Number(/t=(\d+)/.exec(lowerHeaders(q)['stripe-signature']!)![1]));
    expect(ts).toEqual([start / 1000, start / 1000 + 1, start / 1000 + 2]);
    expect(new Set(app.received.map((q) => lowerHeaders(q)['stripe-signature'])).size).toBe(3);
    expect(events.filter((e) => e.type === 'waiting').map((e) => e.type === 'waiting' && [e.nextAttempt, e.delayMs, e.reason])).toEqual([
      [2, 1000, 'got 500'],
      [3, 1999, 'got 500'],
    ]);
  });

  it('Slack retries say which retry they are', async () => {
    const app = await scriptedApp('slack', [{ status: 503 }]);
    const s = spec('slack', `${app.url}/slack`);
    const deps = fakeClock(Date.now());
    await deliverEvent(s, buildEvent(s, 1, deps.now()), POLICY, deps, () => undefined);
    expect(app.received.map((q) => lowerHeaders(q)['x-slack-retry-num'] ?? null)).toEqual([null, '1']);
    expect(lowerHeaders(app.received[1]!)['x-slack-retry-reason']).toBe('http_error');
    expect(app.verdicts).toEqual([true, true]);
  });

  it('a 400 is not retried', async () => {
    const app = await scriptedApp('github', [{ status: 400 }]);
    const s = spec('github', `${app.url}/gh`);
    const deps = fakeClock(Date.now());
    const r = await deliverEvent(s, buildEvent(s, 1, deps.now()), POLICY, deps, () => undefined);
    expect(r).toMatchObject({ ok: false, attempts: 1, status: 400 });
    expect(app.received).toHaveLength(1);
    expect(deps.sleeps).toEqual([]);
  });

  it('Retry-After: 2 is honoured (seconds), and as an HTTP date', async () => {
    const app = await scriptedApp('stripe', [{ status: 429, headers: { 'Retry-After': '2' } }, { status: 503, headers: { 'Retry-After': '' } }]);
    const s = spec('stripe', `${app.url}/hooks`);
    const deps = fakeClock(Math.floor(Date.now() / 1000) * 1000, () => 0);
    const r = await deliverEvent(s, buildEvent(s, 1, deps.now()), POLICY, deps, () => undefined);
    expect(r).toMatchObject({ ok: true, attempts: 3 });
    // 2 s asked (backoff alone would be 500 ms), then plain backoff 1000 ms for the unreadable header.
    expect(deps.sleeps).toEqual([2000, 1000]);

    const start = Math.floor(Date.now() / 1000) * 1000;
    const dateApp = await scriptedApp('stripe', [{ status: 503, headers: { 'Retry-After': new Date(start + 5000).toUTCString() } }]);
    const s2 = spec('stripe', `${dateApp.url}/hooks`);
    const deps2 = fakeClock(start, () => 0);
    await deliverEvent(s2, buildEvent(s2, 1, deps2.now()), POLICY, deps2, () => undefined);
    expect(deps2.sleeps).toEqual([5000]);
    expect(dateApp.verdicts).toEqual([true, true]);
  });

  it('network errors are retried, then given up after --retries', async () => {
    const { deadPort } = await import('../../helpers/forward.js');
    const s = spec('github', `http://127.0.0.1:${await deadPort()}/gh`);
    const deps = fakeClock(Date.now());
    const r = await deliverEvent(s, buildEvent(s, 1, deps.now()), { ...POLICY, policy: { ...policy, retries: 2 } }, deps, () => undefined);
    expect(r).toMatchObject({ ok: false, attempts: 3, status: null });
    expect(deps.sleeps).toEqual([750, 1500]);
  });
});

describe('load mode', () => {
  it('N distinct events, duplicates with the same id and body, all stored', async () => {
    const app = await scriptedApp('stripe', []);
    const s = spec('stripe', `${app.url}/hooks`);
    const history = storeHistory(store, { provider: 'stripe', secret: SECRETS.stripe!.sign, generic: [] });
    const before = store.maxId();
    const summary = await runSends(s, { ...POLICY, count: 40, concurrency: 8, duplicates: 0.25, shuffle: true }, realDeps(history), () => undefined);
    await history.drain();
    expect(summary).toMatchObject({ events: 40, sent: 50, ok: 50, failed: 0, retried: 0, attempts: 50 });
    expect(app.verdicts.filter((v) => !v)).toEqual([]);
    const byId = new Map<string, string[]>();
    for (const q of app.received) {
      const id = (JSON.parse(q.body.toString()) as { id: string }).id;
      byId.set(id, [...(byId.get(id) ?? []), q.body.toString()]);
    }
    expect(byId.size).toBe(40);
    const dups = [...byId.values()].filter((b) => b.length === 2);
    expect(dups).toHaveLength(10);
    for (const [a, b] of dups) expect(a).toBe(b);
    const rows = store.list({ afterId: before, limit: 100 });
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.duplicateOf !== null)).toHaveLength(10);
    expect(rows.every((r) => r.source === 'send' && r.responseStatus === 200)).toBe(true);
    // Each row came with its first attempt's delivery, in the same write.
    expect(rows.map((r) => store.deliveries(r.id).map((d) => [d.kind, d.attempt, d.status]))).toEqual(Array(50).fill([['send', 1, 200]]));
  });
});
