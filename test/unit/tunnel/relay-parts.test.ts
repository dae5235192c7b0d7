import { describe, expect, it } from 'vitest';
import { bearerToken, matchToken } from '../../../src/tunnel/auth.js';
import { backoffDelay } from '../../../src/core/backoff.js';
import { channelProblem } from '../../../src/tunnel/channel.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';
import { connectUrl } from '../../../src/tunnel/client.js';
import { RecentMap } from '../../../src/tunnel/recent.js';
import { IdMap } from '../../../src/core/id-map.js';
import { FailureLimiter, TokenBuckets } from '../../../src/tunnel/rate-limit.js';
import { framingHeaders } from '../../../src/tunnel/relay-ingress.js';
import { RelayMetrics } from '../../../src/tunnel/relay-metrics.js';
import { timeOrderedId } from '../../../src/tunnel/request-id.js';

describe('auth', () => {
  it('matches tokens by value, any length', () => {
    expect(matchToken('b', ['a', 'b'])).toBe(1);
    expect(matchToken('c', ['a', 'b'])).toBe(-1);
    expect(matchToken('', ['a'])).toBe(-1);
    expect(matchToken('a-much-longer-token', ['a'])).toBe(-1);
  });
  it('reads Bearer tokens', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('channel names', () => {
  it.each(['abc', 'my-laptop', 'a'.repeat(64), '0-0'])('accepts %s', (n) => expect(channelProblem(n)).toBeNull());
  it.each(['ab', 'UPPER', 'a_b', 'a/b', 'a'.repeat(65), 'healthz', 'metrics', ''])('refuses %s', (n) =>
    expect(channelProblem(n)).toMatch(/channel/),
  );
});

describe('backoff', () => {
  it('is full jitter under an exponential ceiling with a cap', () => {
    expect(backoffDelay(0, 250, 10_000, () => 0.999)).toBe(249);
    expect(backoffDelay(3, 250, 10_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(50, 250, 10_000, () => 0.999)).toBe(9990);
    expect(backoffDelay(5, 250, 10_000, () => 0)).toBe(0);
  });
});

describe('RecentMap', () => {
  it('keeps the last N set, the oldest leaving first', () => {
    const r = new RecentMap<number>(2);
    r.set('a', 1);
    r.set('b', 2);
    r.set('c', 3);
    expect(r.get('a')).toBeUndefined();
    expect(r.get('b')).toBe(2);
    expect(r.get('c')).toBe(3);
    expect(r.size).toBe(2);
  });

  it('an id set again keeps its newer entry when its older slot is reused', () => {
    const r = new RecentMap<number>(2);
    r.set('a', 1);
    r.set('a', 2); // both slots hold 'a'
    r.set('b', 3); // reuses the slot of the first 'a'
    expect(r.get('a')).toBe(2);
    r.set('c', 4); // reuses the slot of the second 'a'
    expect(r.get('a')).toBeUndefined();
    expect([r.get('b'), r.get('c'), r.size]).toEqual([3, 4, 2]);
  });

  it('a size of 0 keeps nothing', () => {
    const r = new RecentMap<number>(0);
    r.set('a', 1);
    expect([r.get('a'), r.size]).toEqual([undefined, 0]);
  });
});

describe('IdMap', () => {
  it('behaves as a Map of string ids: size, has, delete, insertion order, slots reused', () => {
    const m = new IdMap<{ n: number }>();
    for (const id of ['0190-b', '0190-a', 'c', '__proto__', 'constructor']) m.set(id, { n: m.size });
    expect(m.size).toBe(5);
    expect(m.get('__proto__')).toEqual({ n: 3 });
    expect(m.has('toString')).toBe(false);
    expect(m.delete('0190-a')).toBe(true);
    expect(m.delete('0190-a')).toBe(false);
    m.set('0190-a', { n: 9 }); // re-added: now last
    m.set('c', { n: 7 }); // replaced in place: keeps its position and the size
    expect([...m.keys()]).toEqual(['0190-b', 'c', '__proto__', 'constructor', '0190-a']);
    expect([...m.values()].map((v) => v.n)).toEqual([0, 7, 3, 4, 9]);
    expect(m.size).toBe(5);
    // Deleting while iterating (the router's timeout sweep does): the rest is still visited.
    const seen: string[] = [];
    for (const [id] of m) {
      seen.push(id);
      m.delete(id);
    }
    expect(seen).toEqual(['0190-b', 'c', '__proto__', 'constructor', '0190-a']);
    expect(m.size).toBe(0);
    m.set('x', { n: 1 });
    m.clear();
    expect([m.size, m.get('x')]).toEqual([0, undefined]);
  });
});

describe('limiters', () => {
  it('token bucket allows bursts then refills at the rate', () => {
    const b = new TokenBuckets(2, 4);
    const results = Array.from({ length: 5 }, () => b.take('c', 0));
    expect(results).toEqual([true, true, true, true, false]);
    expect(b.take('c', 499)).toBe(false);
    expect(b.take('c', 500)).toBe(true);
    expect(b.take('other', 500)).toBe(true);
  });
  it('failure limiter blocks a key over the limit until the window ends', () => {
    const f = new FailureLimiter(2, 1000);
    f.fail('ip', 0);
    expect(f.blocked('ip', 10)).toBe(false);
    f.fail('ip', 20);
    expect(f.blocked('ip', 30)).toBe(true);
    expect(f.retryAfterSec('ip', 30)).toBe(1);
    expect(f.blocked('ip', 1000)).toBe(false);
  });
});

describe('framingHeaders', () => {
  it('keeps order, case and repeats; drops hop-by-hop; fixes Content-Length', () => {
    const out = framingHeaders(
      [
        ['X-B', '1'],
        ['Transfer-Encoding', 'chunked'],
        ['Set-Cookie', 'a'],
        ['content-length', '999'],
        ['set-cookie', 'b'],
        ['Connection', 'keep-alive'],
      ],
      5,
      200,
      false,
    );
    expect(out).toEqual([
      ['X-B', '1'],
      ['Set-Cookie', 'a'],
      ['content-length', '5'],
      ['set-cookie', 'b'],
    ]);
  });
  it('adds Content-Length when missing, none on 204', () => {
    expect(framingHeaders([], 3, 200, false)).toEqual([['Content-Length', '3']]);
    expect(framingHeaders([['Content-Length', '3']], 3, 204, false)).toEqual([]);
  });
});

describe('timeOrderedId', () => {
  const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('is a UUID version 7 whose first 48 bits are the millisecond time', () => {
    const ms = 0x0123456789ab;
    const id = timeOrderedId(ms);
    expect(id).toMatch(V7);
    expect(id.slice(0, 13)).toBe('01234567-89ab');
    expect(timeOrderedId(1_700_000_000_000).slice(0, 13)).toBe(`${(1_700_000_000_000).toString(16).padStart(12, '0').slice(0, 8)}-${(1_700_000_000_000).toString(16).padStart(12, '0').slice(8)}`);
  });
  it('is unique within a millisecond, past a refill of its random pool, and sorts by time across them', () => {
    const ids = Array.from({ length: 1000 }, () => timeOrderedId(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(1000);
    // Every random digit varies (none is stuck at a constant written once into the buffer).
    for (const i of [15, 16, 17, 20, 21, 22, 24, 35]) expect(new Set(ids.map((id) => id[i])).size).toBeGreaterThan(4);
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
    const later = timeOrderedId(1_700_000_000_001);
    expect(ids.every((id) => id < later)).toBe(true);
  });
});

describe('metrics', () => {
  it('renders Prometheus text', () => {
    const m = new RelayMetrics();
    const a = channelTag('chan-a');
    m.countRequest(a, 200);
    m.countRequest(a, 200);
    m.countRequest(a, 202);
    m.observeLatency(0.02);
    m.countAuthFailure();
    const text = m.render({ connectedClients: 1, depths: [[a, { count: 3, bytes: 10 }]], detail: false });
    // Per-channel series (even under a tag) only for authorized readers.
    expect(text).not.toContain(a);
    expect(text).toContain('hookdev_relay_requests_total{status="200"} 2');
    expect(text).toContain('hookdev_relay_requests_total{status="202"} 1');
    expect(text).toContain('hookdev_relay_tunnel_latency_seconds_bucket{le="0.01"} 0');
    expect(text).toContain('hookdev_relay_tunnel_latency_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('hookdev_relay_tunnel_latency_seconds_bucket{le="+Inf"} 1');
    expect(text).toContain('hookdev_relay_connected_clients 1');
    expect(text).toContain('hookdev_relay_queue_depth 3');
    expect(text).toContain('hookdev_relay_auth_failures_total 1');
    expect(text.endsWith('\n')).toBe(true);
    const detailed = m.render({ connectedClients: 1, depths: [[a, { count: 3, bytes: 10 }]], detail: true });
    expect(detailed).toContain(`hookdev_relay_channel_requests_total{channel="${a}",status="200"} 2`);
    expect(detailed).toContain(`hookdev_relay_channel_queue_depth{channel="${a}"} 3`);
  });

  it('labels every series with the instance when several share a store', () => {
    const m = new RelayMetrics('relay-a');
    m.countRequest(channelTag('chan-a'), 200);
    m.countLeaseTakeover();
    m.countStoreError();
    m.countHandoff();
    const text = m.render({ connectedClients: 0, depths: [], detail: false });
    expect(text).toContain('hookdev_relay_requests_total{instance="relay-a",status="200"} 1');
    expect(text).toContain('hookdev_relay_lease_takeovers_total{instance="relay-a"} 1');
    expect(text).toContain('hookdev_relay_store_errors_total{instance="relay-a"} 1');
    expect(text).toContain('hookdev_relay_handoffs_total{instance="relay-a"} 1');
    const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(series.every((l) => l.includes('instance="relay-a"'))).toBe(true);
  });
});

describe('connectUrl', () => {
  it('maps http(s) to ws(s) and defaults the path', () => {
    expect(connectUrl('https://relay.example.com')).toBe('wss://relay.example.com/_hookdev/connect');
    expect(connectUrl('ws://127.0.0.1:9/_hookdev/connect')).toBe('ws://127.0.0.1:9/_hookdev/connect');
    expect(() => connectUrl('ftp://x')).toThrow(/scheme/);
    expect(() => connectUrl('nope')).toThrow(/invalid relay URL/);
  });
});
