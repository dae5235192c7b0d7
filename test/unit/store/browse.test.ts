import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.js';
import { Browser, countInChunks, scanOlder } from '../../../src/store/browse.js';
import { compileFilter, tokenize, type CompiledFilter } from '../../../src/store/filter.js';
import type { IncomingWebhook, Verdict } from '../../../src/core/types.js';
import { makeTempDir } from '../../helpers/tmp.js';

const NOW = 1_700_000_000_000;

function incoming(i: number): IncomingWebhook {
  return {
    source: 'http',
    method: i % 3 === 0 ? 'GET' : 'POST',
    url: i % 2 === 0 ? `/stripe/${i}` : `/github/${i}`,
    httpVersion: '1.1',
    remoteAddr: '127.0.0.1',
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(i === 77 ? '{"needle":"rare-term"}' : `{"i":${i}}`),
    // one request a minute, the newest at NOW
    receivedAt: NOW - (200 - i) * 60_000,
  };
}

function verdict(i: number): Verdict {
  return {
    provider: i % 2 === 0 ? 'stripe' : 'github',
    eventType: i % 2 === 0 ? 'payment_intent.succeeded' : 'push',
    eventId: i % 10 === 0 ? 'evt_same' : `evt_${i}`,
    status: i % 4 === 0 ? 'invalid' : 'valid',
    reason: i % 4 === 0 ? 'no signature matched' : 'ok',
  };
}

function filter(text: string): CompiledFilter {
  const r = compileFilter(text, NOW);
  if (!r.ok) throw new Error(r.error);
  return r.filter;
}

describe('filter language', () => {
  it('tokenizes on spaces and keeps quoted text together', () => {
    expect(tokenize('method:POST  "two words" path:"/a b"')).toEqual(['method:POST', 'two words', 'path:/a b']);
  });

  it('reports a bad term in one line and runs nothing', () => {
    expect(compileFilter('status:abc', NOW)).toEqual({ ok: false, error: 'status: expects a code like 404 or a class like 5xx, got "abc"' });
    expect(compileFilter('sig:maybe', NOW).ok).toBe(false);
    expect(compileFilter('since:yesterday', NOW).ok).toBe(false);
    expect(compileFilter('method:', NOW).ok).toBe(false);
  });

  it('an empty line is no filter', () => {
    expect(compileFilter('   ', NOW)).toEqual({ ok: true, filter: { text: '', sql: '', params: [] } });
  });
});

describe('Browser against a real SQLite file', () => {
  const tmp = makeTempDir();
  let store: Store;
  let b: Browser;
  beforeAll(() => {
    store = openStore(tmp.path('browse.db'));
    store.insertMany(Array.from({ length: 200 }, (_, k) => ({ incoming: incoming(k + 1), verdict: verdict(k + 1), responseStatus: (k + 1) % 5 === 0 ? 503 : 200 })));
    // deliveries: #10 failed then ok, #20 failed
    const d = (requestId: number, status: number | null) => ({
      requestId, kind: 'forward' as const, target: 'http://127.0.0.1:1/x', attempt: 1, startedAt: NOW, durationMs: 3,
      status, responseHeaders: null, responseBody: null, responseTruncated: false, error: status === null ? 'connection refused' : null,
    });
    store.addDelivery(d(10, null));
    store.addDelivery(d(10, 200));
    store.addDelivery(d(20, 500));
    b = new Browser(store.db);
  });
  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('reads keyset windows newest first, and the rows just above a window', () => {
    expect(b.newestId()).toBe(200);
    expect(b.older(201, 3).map((r) => r.id)).toEqual([200, 199, 198]);
    expect(b.older(198, 3).map((r) => r.id)).toEqual([197, 196, 195]);
    expect(b.newer(195, 3).map((r) => r.id)).toEqual([198, 197, 196]);
    expect(b.newer(0, 2).map((r) => r.id)).toEqual([2, 1]);
  });

  it('summaries carry the newest delivery and no body', () => {
    const [r10] = b.between(10, 10);
    expect(r10!.delivery).toEqual({ status: 200, durationMs: 3, error: null, count: 2 });
    expect(b.between(20, 20)[0]!.delivery!.status).toBe(500);
    expect(b.between(30, 30)[0]!.delivery).toBeNull();
    expect(Object.keys(r10!)).not.toContain('body');
  });

  it('compiles each term to SQL that selects the right rows', () => {
    const ids = (text: string) => b.older(1e9, 1000, filter(text)).map((r) => r.id);
    expect(ids('method:get').every((id) => id % 3 === 0)).toBe(true);
    expect(ids('method:get')).toHaveLength(66);
    expect(ids('path:/stripe').every((id) => id % 2 === 0)).toBe(true);
    expect(ids('provider:GitHub')).toHaveLength(100);
    expect(ids('event:payment_intent')).toHaveLength(100);
    expect(ids('sig:invalid')).toHaveLength(50);
    expect(ids('sig:bad')).toEqual(ids('sig:invalid'));
    expect(ids('status:5xx')).toHaveLength(40);
    expect(ids('status:503')).toHaveLength(40);
    expect(ids('status:2xx')).toHaveLength(160);
    expect(ids('delivery:failed')).toEqual([20]);
    expect(ids('delivery:ok')).toEqual([10]);
    expect(ids('delivery:none')).toHaveLength(198);
    expect(ids('dup:yes')).toEqual(ids('dup:yes').filter((id) => id % 10 === 0 && id > 10));
    expect(ids('dup:yes')).toHaveLength(19);
    expect(ids('since:30m')).toEqual(Array.from({ length: 31 }, (_, k) => 200 - k));
    expect(ids('rare-term')).toEqual([77]);
    expect(ids('github/77')).toEqual([77]);
    expect(ids('method:POST path:/stripe sig:invalid')).toEqual(ids('path:/stripe sig:invalid').filter((id) => id % 3 !== 0));
  });

  it('scans a rare term in bounded chunks, pausing between them, and stops when cancelled', async () => {
    let pauses = 0;
    const res = await scanOlder(b, 201, 10, filter('rare-term'), { chunk: 20, pause: async () => void pauses++ });
    expect(res.rows.map((r) => r.id)).toEqual([77]);
    expect(res.exhausted).toBe(true);
    expect(pauses).toBe(Math.ceil(200 / 20) - 1);

    let steps = 0;
    const cancelled = await scanOlder(b, 201, 10, filter('rare-term'), { chunk: 20, pause: async () => void steps++, cancelled: () => steps >= 2 });
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.rows).toEqual([]);
  });

  it('shows the first screenful as soon as it is found', async () => {
    const seen: number[] = [];
    const res = await scanOlder(b, 201, 5, filter('path:/stripe'), { chunk: 4, pause: async () => undefined, progress: (rows) => seen.push(rows.length) });
    expect(res.rows.map((r) => r.id)).toEqual([200, 198, 196, 194, 192]);
    expect(seen).toEqual([2, 4, 5]);
    expect(res.exhausted).toBe(false);
  });

  it('counts matches in chunks, and header counts by id range', async () => {
    expect(await countInChunks(b, 1, 200, filter('sig:invalid'), { chunk: 30, pause: async () => undefined })).toBe(50);
    expect(await countInChunks(b, 101, 200, null, { chunk: 30, pause: async () => undefined })).toBe(100);
    expect(b.counts(1, 200)).toEqual({ total: 200, signatureFailures: 50, duplicates: 19 });
    expect(b.failedDeliveries(0, b.newestDeliveryId())).toBe(2);
  });

  it('pages full rows for an export by id', () => {
    const page = b.fullRowsAfter(70, 3, filter('path:/github'));
    expect(page.map((r) => r.id)).toEqual([71, 73, 75]);
    expect(page[0]!.body.toString()).toBe('{"i":71}');
  });
});
