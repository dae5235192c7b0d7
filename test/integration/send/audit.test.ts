import { verify as octoVerify } from '@octokit/webhooks-methods';
import type { ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exchange } from '../../../src/forward/exchange.js';
import { runAudit, type CheckName, type CheckResult, CHECK_NAMES } from '../../../src/send/audit/checks.js';
import { resolveSpec } from '../../../src/send/spec.js';
import { startApp, type AppRequest, type TestApp } from '../../helpers/forward.js';
import { correctHandler, lowerHeaders, SECRETS } from './sdk-handlers.js';

const pool = new Agent({ connections: 64 });
const stripe = new Stripe('sk_test_unused');
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop().catch(() => undefined);
});
afterAll(() => pool.close());

const MAX_BODY = 64 * 1024;
const HANDLER_CAP = 32 * 1024;

async function app(handler: (app: TestApp) => (req: AppRequest, res: ServerResponse) => void): Promise<TestApp> {
  const a = await startApp();
  a.handler = handler(a);
  apps.push(a);
  return a;
}

async function audit(provider: string, url: string, o: { deadlineMs?: number; checks?: CheckName[] } = {}): Promise<CheckResult[]> {
  const spec = resolveSpec({ provider, secret: SECRETS[provider]!.sign, configured: {}, to: url, overrides: [], headers: [], generic: [] });
  return runAudit(
    spec,
    { deadlineMs: o.deadlineMs ?? 10_000, fastMs: 5_000, concurrency: 10, maxBody: MAX_BODY, checks: o.checks ?? [...CHECK_NAMES] },
    { now: Date.now, exchange: (req, t) => exchange(req, { dispatcher: pool, totalTimeoutMs: t, keepBytes: 65536 }) },
  );
}

const failed = (rs: CheckResult[]) => rs.filter((r) => r.grade === 'fail').map((r) => r.check).sort();
const warned = (rs: CheckResult[]) => rs.filter((r) => r.grade === 'warn').map((r) => r.check).sort();

describe('a correct handler per major provider, verified by the official SDK, passes everything', () => {
  for (const provider of ['stripe', 'github', 'standard-webhooks', 'svix', 'slack', 'shopify', 'twilio', 'paddle']) {
    it(provider, async () => {
      const a = await app((self) => correctHandler(provider, () => self.url, { maxBody: HANDLER_CAP }));
      const results = await audit(provider, `${a.url}/hooks/${provider}`);
      expect(results.map((r) => r.check)).toEqual([...CHECK_NAMES]);
      expect(failed(results)).toEqual([]);
      expect(warned(results)).toEqual([]);
      const skipped = results.filter((r) => r.grade === 'skip').map((r) => r.check);
      const noTimestamp = ['github', 'shopify', 'twilio'].includes(provider);
      expect(skipped).toEqual([...(noTimestamp ? ['rejects-stale-timestamp'] : []), ...(provider === 'twilio' ? ['rejects-reserialized-body'] : [])]);
      for (const r of results.filter((x) => x.grade === 'skip')) expect(r.reason).toMatch(/signs no timestamp|not JSON/);
    });
  }
});

/** The Stripe handler with one change. */
function stripeHandler(flaw: {
  verify?: (body: Buffer, sig: string) => void;
  badStatus?: number;
  sleepMs?: number;
  onBig?: (self: TestApp, req: AppRequest) => boolean;
}) {
  return (self: TestApp) => (req: AppRequest, res: ServerResponse) => {
    if (flaw.onBig?.(self, req)) return;
    if (req.method !== 'POST') return void res.writeHead(405).end();
    if (req.body.length > HANDLER_CAP) return void res.writeHead(413).end();
    if (!/json/.test(lowerHeaders(req)['content-type'] ?? '')) return void res.writeHead(415).end();
    let ok = true;
    try {
      (flaw.verify ?? ((b, s) => stripe.webhooks.constructEvent(b, s, SECRETS.stripe!.verify)))(req.body, lowerHeaders(req)['stripe-signature'] ?? '');
    } catch {
      ok = false;
    }
    const answer = () => res.writeHead(ok ? 200 : (flaw.badStatus ?? 400)).end();
    if (flaw.sleepMs) setTimeout(answer, flaw.sleepMs);
    else answer();
  };
}

const REJECTIONS: CheckName[] = [
  'rejects-bad-signature', 'rejects-missing-signature', 'rejects-reserialized-body', 'rejects-stale-timestamp', 'rejects-tampered-body', 'rejects-wrong-secret',
];

describe('each flawed handler fails exactly its checks', () => {
  it('does not verify at all: every rejection check fails', async () => {
    const a = await app(stripeHandler({ verify: () => undefined }));
    const results = await audit('stripe', a.url);
    expect(failed(results)).toEqual(REJECTIONS);
    const bad = results.find((r) => r.check === 'rejects-bad-signature')!;
    expect(bad).toMatchObject({ status: 200, reason: 'got 200: a forged signature was accepted' });
    expect(bad.hint).toMatch(/constructEvent/);
  });

  it('verifies but ignores the timestamp: only the stale check fails', async () => {
    const a = await app(stripeHandler({ verify: (b, s) => stripe.webhooks.constructEvent(b, s, SECRETS.stripe!.verify, 10 * 365 * 86400) }));
    const results = await audit('stripe', a.url);
    expect(failed(results)).toEqual(['rejects-stale-timestamp']);
    expect(results.find((r) => r.check === 'rejects-stale-timestamp')!.hint).toMatch(/timestamp/);
  });

  it('verifies a re-serialized body: only the re-serialized check fails', async () => {
    const a = await app(() => async (req, res) => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      if (req.body.length > HANDLER_CAP) return void res.writeHead(413).end();
      if (!/json/.test(lowerHeaders(req)['content-type'] ?? '')) return void res.writeHead(415).end();
      let ok = false;
      try {
        // The classic mistake: a body parser ran first, and the handler signs JSON.stringify of the parsed body.
        ok = await octoVerify(SECRETS.github!.verify, JSON.stringify(JSON.parse(req.body.toString())), lowerHeaders(req)['x-hub-signature-256'] ?? '');
      } catch {
        ok = false;
      }
      res.writeHead(ok ? 200 : 400).end();
    });
    const results = await audit('github', `${a.url}/github`);
    expect(failed(results)).toEqual(['rejects-reserialized-body']);
    const r = results.find((x) => x.check === 'rejects-reserialized-body')!;
    expect(r.sent).toMatch(/pretty-printed, with the signature of the original bytes/);
    expect(r.hint).toMatch(/raw request body before parsing JSON/);
  });

  it('answers 500 on a bad signature: every rejection fails as an error path', async () => {
    const a = await app(stripeHandler({ badStatus: 500 }));
    const results = await audit('stripe', a.url);
    expect(failed(results)).toEqual(REJECTIONS);
    for (const r of results.filter((x) => REJECTIONS.includes(x.check))) {
      expect(r.reason).toMatch(/got 500: an error path, not a rejection/);
      expect(r.hint).toMatch(/answer 400/);
    }
  });

  it('sleeps past the deadline: only accepts-valid fails', async () => {
    const a = await app(stripeHandler({ sleepMs: 300 }));
    const results = await audit('stripe', a.url, { deadlineMs: 120 });
    expect(failed(results)).toEqual(['accepts-valid']);
    const r = results.find((x) => x.check === 'accepts-valid')!;
    expect(r.reason).toMatch(/no answer in time within the 120ms deadline/);
    expect(r.hint).toMatch(/answer 2xx as soon as the event is stored/);
  });

  it('crashes on a big body: only the oversized check fails', async () => {
    const a = await app(stripeHandler({
      onBig: (self, req) => {
        if (req.body.length <= HANDLER_CAP) return false;
        // The process dies: the socket drops and nothing listens any more.
        req.socket.destroy();
        void self.stop();
        return true;
      },
    }));
    const results = await audit('stripe', a.url);
    expect(failed(results)).toEqual(['oversized-body']);
    expect(results.find((x) => x.check === 'oversized-body')!.reason).toMatch(/the endpoint did not survive it/);
  });
});

describe('check details', () => {
  it('--only runs just those; the burst reports p50/p99', async () => {
    const a = await app((self) => correctHandler('stripe', () => self.url, { maxBody: HANDLER_CAP }));
    const results = await audit('stripe', a.url, { checks: ['concurrent-burst', 'wrong-method'] });
    expect(results.map((r) => r.check)).toEqual(['concurrent-burst', 'wrong-method']);
    expect(results[0]!.detail).toMatchObject({ count: 10 });
    expect(results[0]!.reason).toMatch(/all 10 got 2xx; p50 \S+, p99 \S+/);
    expect(a.received.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('a duplicate refused with 409 fails; a GET answered 200 only warns', async () => {
    const seen = new Set<string>();
    const a = await app((self) => {
      const inner = correctHandler('stripe', () => self.url, { maxBody: HANDLER_CAP });
      return (req, res) => {
        if (req.method === 'GET') return void res.writeHead(200).end('hello');
        const id = /"id": "(evt_\w+)"/.exec(req.body.toString())?.[1] ?? '';
        if (seen.has(id)) return void res.writeHead(409).end();
        const end = res.end.bind(res);
        res.end = ((...args: Parameters<typeof end>) => {
          if (res.statusCode === 200) seen.add(id);
          return end(...args);
        }) as typeof res.end;
        inner(req, res);
      };
    });
    const results = await audit('stripe', a.url, { checks: ['idempotent-duplicate', 'wrong-method'] });
    expect(results.map((r) => [r.check, r.grade, r.status])).toEqual([
      ['idempotent-duplicate', 'fail', 409],
      ['wrong-method', 'warn', 200],
    ]);
  });
});

describe('--probe-url', () => {
  it('shows what the app reports around the duplicate, and warns when the duplicate was processed again', async () => {
    let processed = 0;
    const a = await app((self) => {
      const inner = correctHandler('stripe', () => self.url, { maxBody: HANDLER_CAP });
      return (req, res) => {
        if (req.method === 'GET' && req.url === '/count') return void res.writeHead(200).end(String(processed));
        const end = res.end.bind(res);
        res.end = ((...args: Parameters<typeof end>) => {
          if (res.statusCode === 200) processed++; // no dedupe: every delivery does the work again
          return end(...args);
        }) as typeof res.end;
        inner(req, res);
      };
    });
    const spec = resolveSpec({ provider: 'stripe', secret: SECRETS.stripe!.sign, configured: {}, to: `${a.url}/hooks`, overrides: [], headers: [], generic: [] });
    const send = (req: Parameters<typeof exchange>[0], t: number) => exchange(req, { dispatcher: pool, totalTimeoutMs: t, keepBytes: 65536 });
    const [r] = await runAudit(
      spec,
      { deadlineMs: 10_000, fastMs: 5_000, concurrency: 2, maxBody: MAX_BODY, checks: ['idempotent-duplicate'] },
      {
        now: Date.now,
        exchange: send,
        probe: async () => {
          const x = await send({ url: `${a.url}/count`, method: 'GET', headers: [], body: Buffer.alloc(0) }, 5000);
          return { status: x.status, body: x.body?.toString() ?? '' };
        },
      },
    );
    expect(r).toMatchObject({ check: 'idempotent-duplicate', grade: 'warn' });
    expect(r!.reason).toBe('both got 2xx, but the probe changed after the duplicate: processed twice? (probe: before "0", after the first "1", after the duplicate "2")');
    expect(r!.detail).toEqual({ probe: [{ status: 200, body: '0' }, { status: 200, body: '1' }, { status: 200, body: '2' }] });
  });
});
