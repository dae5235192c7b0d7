import { describe, expect, it } from 'vitest';
import { classify, decide, equalJitter, parseRetryAfter, type RetryPolicy } from '../../../src/send/retry.js';
import { planSends, percentile } from '../../../src/send/sender.js';

const policy: RetryPolicy = { retries: 5, baseMs: 1000, capMs: 300_000 };
const answer = (status: number | null, headers: Array<[string, string]> | null = null) => ({
  status,
  headers,
  failure: status === null ? ('unreachable' as const) : null,
  error: status === null ? 'connection refused' : null,
});

describe('equal jitter', () => {
  it('waits between half and all of base·2^(n-1), capped', () => {
    expect(equalJitter(1, 1000, 300_000, () => 0)).toBe(500);
    expect(equalJitter(1, 1000, 300_000, () => 0.999999)).toBe(1000);
    expect(equalJitter(2, 1000, 300_000, () => 0)).toBe(1000);
    expect(equalJitter(3, 1000, 300_000, () => 0.5)).toBe(3000);
    expect(equalJitter(20, 1000, 300_000, () => 0)).toBe(150_000);
    expect(equalJitter(20, 1000, 300_000, () => 0.999999)).toBe(300_000);
  });
  it('never shrinks from one retry to the next below the cap, whatever the random draws', () => {
    for (let n = 1; n < 8; n++) expect(equalJitter(n + 1, 1000, 300_000, () => 0)).toBeGreaterThanOrEqual(equalJitter(n, 1000, 300_000, () => 0.999999));
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', '-1', '1.5', 'soon', 'Sunday']) expect(parseRetryAfter(v, now)).toBeNull();
  });
});

describe('what a good sender does after an attempt', () => {
  it('stops on 2xx', () => expect(decide(answer(204), 1, policy, 0, () => 0)).toMatchObject({ action: 'done', ok: true }));
  it('retries network errors, timeouts, 408, 429 and 5xx', () => {
    for (const s of [null, 408, 429, 500, 502, 503, 599]) expect(classify(answer(s)).kind).toBe('retryable');
    expect(classify({ status: null, failure: 'timeout', error: 'timed out after 30000ms' })).toEqual({ kind: 'retryable', status: null, reason: 'timed out' });
  });
  it('does not retry other 4xx (or 3xx)', () => {
    for (const s of [400, 401, 403, 404, 409, 410, 413, 422, 301]) {
      expect(decide(answer(s), 1, policy, 0, () => 0)).toMatchObject({ action: 'done', ok: false });
    }
  });
  it('backs off with growing waits, then gives up after the retries', () => {
    const waits = [1, 2, 3, 4, 5].map((n) => decide(answer(500), n, policy, 0, () => 0.5));
    expect(waits.map((d) => (d.action === 'retry' ? d.delayMs : -1))).toEqual([750, 1500, 3000, 6000, 12000]);
    expect(decide(answer(500), 6, policy, 0, () => 0.5)).toMatchObject({ action: 'done', ok: false, reason: 'got 500; gave up after 6 attempts' });
    expect(decide(answer(500), 1, { ...policy, retries: 0 }, 0, () => 0.5)).toMatchObject({ action: 'done', ok: false });
  });
  it('honours Retry-After as the least wait; one past --backoff-max ends the retries', () => {
    expect(decide(answer(429, [['Retry-After', '2']]), 1, policy, 0, () => 0)).toMatchObject({ action: 'retry', delayMs: 2000, retryAfterMs: 2000 });
    // A short Retry-After does not shorten the backoff.
    expect(decide(answer(503, [['retry-after', '0']]), 3, policy, 0, () => 0)).toMatchObject({ action: 'retry', delayMs: 2000 });
    const d = decide(answer(503, [['Retry-After', '3600']]), 1, { ...policy, capMs: 60_000 }, 0, () => 0);
    expect(d).toMatchObject({ action: 'done', ok: false });
    expect(d.reason).toMatch(/Retry-After 3600s, beyond --backoff-max 60s/);
    // a number too big to count in ms is shown as the header said it, not as 99999999999999980000s
    const huge = decide({ status: 503, failure: null, error: null, headers: [['Retry-After', '99999999999999999999']] }, 1, policy, 0, () => 0.5);
    expect(huge).toMatchObject({ action: 'done', ok: false });
    expect(huge.action === 'done' && huge.reason).toBe('got 503 with Retry-After "99999999999999999999", beyond --backoff-max 300s; gave up');
  });
});

describe('load plan', () => {
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  it('sends every event once plus the duplicates, each duplicate after its original unless shuffled', () => {
    const plan = planSends(100, 0.1, false, rnd);
    expect(plan).toHaveLength(110);
    const dups = plan.filter((p) => p.duplicate);
    expect(new Set(dups.map((d) => d.seq)).size).toBe(10);
    for (const d of dups) expect(plan[plan.indexOf(d) - 1]).toEqual({ seq: d.seq, duplicate: false });
    expect(plan.filter((p) => !p.duplicate).map((p) => p.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
  it('shuffles the whole list', () => {
    const plan = planSends(100, 0, true, rnd);
    const seqs = plan.map((p) => p.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(seqs).not.toEqual([...seqs].sort((a, b) => a - b));
  });
  it('percentiles of sorted latencies', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 99), percentile([], 50)]).toEqual([51, 100, 0]);
  });
});
