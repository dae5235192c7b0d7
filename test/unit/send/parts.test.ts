import { describe, expect, it } from 'vitest';
import { corruptSignature, otherSecret, oversized, tamper } from '../../../src/send/audit/checks.js';
import { isLoopback, parseAuditOptions } from '../../../src/commands/audit.js';
import { parseSecondsFlag, parseSendOptions } from '../../../src/commands/send.js';
import { buildEvent, signAttempt } from '../../../src/send/message.js';
import { builtinProfileNames, timeOrderedText } from '../../../src/send/profiles.js';
import { verifySecretFor } from '../../../src/send/history.js';
import { resolveSpec } from '../../../src/send/spec.js';
import { getProvider } from '../../../src/signatures/index.js';

const SECRET: Record<string, string> = { discord: '01'.repeat(32), 'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', svix: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
const secretOf = (p: string) => SECRET[p] ?? `${p}-secret`;
const specFor = (provider: string, event?: string) =>
  resolveSpec({ provider, secret: secretOf(provider), configured: {}, to: 'http://127.0.0.1:9/hooks?a=1', event, overrides: [], headers: [], generic: [] });

describe('every provider profile', () => {
  for (const provider of builtinProfileNames) {
    it(`${provider}: unique events, each attempt verifies, same id and body on a retry`, () => {
      const spec = specFor(provider);
      const now = Date.now();
      const a = buildEvent(spec, 1, now);
      const b = buildEvent(spec, 2, now);
      expect(a.eventId ?? a.headers.join()).not.toEqual(b.eventId ?? b.headers.join());
      const p = getProvider(provider)!;
      const first = signAttempt(spec, a, { nowMs: now, attempt: 1 });
      const retry = signAttempt(spec, a, { nowMs: now + 5000, attempt: 2 });
      for (const req of [first, retry]) {
        const v = p.verify({ body: req.body, headers: req.headers, url: req.url, method: 'POST', secrets: [verifySecretFor(provider, secretOf(provider))], now: Math.floor(now / 1000) + 5 });
        expect(v).toMatchObject({ ok: true });
      }
      if (provider !== 'linear') expect(retry.body.equals(first.body)).toBe(true); // Linear's timestamp lives in the body
      expect(p.eventInfo(retry.headers, retry.body).eventId).toBe(p.eventInfo(first.headers, first.body).eventId);
      expect(first.headers.some(([, v]) => v === '')).toBe(false);
    });
  }
});

describe('audit request parts', () => {
  it('corrupts the signature itself, not the timestamp', () => {
    const v = 't=1700000000,v1=' + 'ab'.repeat(32);
    const c = corruptSignature(v);
    expect(c.slice(0, 16)).toBe(v.slice(0, 16));
    expect(c).not.toBe(v);
    expect(c.length).toBe(v.length);
    expect(corruptSignature('v1,' + 'A'.repeat(43) + '=')).not.toBe('v1,' + 'A'.repeat(43) + '=');
  });
  it('another secret of the same form', () => {
    expect(otherSecret('standard-webhooks', 'whsec_abc')).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(otherSecret('discord', '01'.repeat(32))).toMatch(/^[0-9a-f]{64}$/);
    expect(otherSecret('github', 'secret')).not.toBe('secret');
  });
  it('tampers with one value and keeps the rest', () => {
    expect(tamper(Buffer.from('{"id":"evt_1","amount":2000}'), 'application/json')!.toString()).toBe('{"id":"evt_1","amount":2001}');
    expect(tamper(Buffer.from('{"id":"evt_1"}'), 'application/json')!.toString()).toBe('{"id":"Xvt_1"}');
    expect(tamper(Buffer.from('A=b&C=d'), 'application/x-www-form-urlencoded')!.toString()).toBe('A=X&C=d');
  });
  it('an oversized body is still well-formed', () => {
    const big = oversized(Buffer.from('{"a":1}'), 'application/json', 1000);
    expect(big.length).toBeGreaterThan(1000);
    expect(JSON.parse(big.toString()).a).toBe(1);
  });
});

describe('flag parsing', () => {
  it('send: defaults resolved in the parser, seconds or durations', () => {
    const o = parseSendOptions({ to: 'http://127.0.0.1:1/x' }, {}, {});
    expect(o).toMatchObject({ count: 1, concurrency: 1, duplicates: 0, shuffle: false, timeoutMs: 30_000, policy: { retries: 5, baseMs: 1000, capMs: 300_000 } });
    expect(parseSendOptions({ to: 'http://h/x', duplicates: '10%', backoffMax: '2', timeout: '500ms' }, {}, {})).toMatchObject({ duplicates: 0.1, policy: { capMs: 2000 }, timeoutMs: 500 });
    expect(parseSecondsFlag('--x', '1.5')).toBe(1500);
    expect(() => parseSendOptions({ to: 'ftp://h' }, {}, {})).toThrow(/--to expects a valid http\(s\) URL/);
    expect(parseSendOptions({ to: 'http://h/x' }, { HOOKDEV_SECRET_STRIPE: 'whsec_env' }, {}).configured).toEqual({ stripe: ['whsec_env'] });
  });
  it('audit: loopback only unless --allow-remote; --only/--skip', () => {
    for (const u of ['http://localhost:3000/x', 'http://127.0.0.1/x', 'http://127.8.9.1:1/', 'http://[::1]:80/', 'http://app.localhost/']) expect(isLoopback(u)).toBe(true);
    for (const u of ['http://example.com/', 'http://10.0.0.1/', 'http://127.0.0.1.example.com/', 'http://[::2]/']) expect(isLoopback(u)).toBe(false);
    expect(() => parseAuditOptions('http://example.com/x', {}, {}, {})).toThrow(/--allow-remote/);
    expect(parseAuditOptions('http://example.com/x', { allowRemote: true }, {}, {}).url).toBe('http://example.com/x');
    expect(() => parseAuditOptions('http://127.0.0.1/x', { probeUrl: 'http://example.com/count' }, {}, {})).toThrow(/--probe-url/);
    const o = parseAuditOptions('http://127.0.0.1/x', { skip: 'oversized-body,concurrent-burst' }, {}, {});
    expect(o.checks).not.toContain('oversized-body');
    expect(o.checks).toHaveLength(11);
    expect(o).toMatchObject({ maxBody: 25 * 1024 * 1024, fastMs: 1000, concurrency: 20, deadlineMs: undefined });
    expect(parseAuditOptions('http://127.0.0.1/x', { deadline: '10s', maxBody: '1mb' }, {}, {})).toMatchObject({ deadlineMs: 10_000, maxBody: 1024 * 1024 });
  });
});

describe('event bodies', () => {
  it('the prepared-template splice gives the same bytes as editing the sample field by field', async () => {
    const { applyOverride, getJsonPath, parseSetArg } = await import('../../../src/send/json-edit.js');
    for (const [provider, paths] of [['stripe', ['id', 'created']], ['paddle', ['event_id', 'notification_id', 'occurred_at']], ['slack', ['event_id', 'event_time']]] as const) {
      const overrides = [parseSetArg('data.extra={"a":[1,2]}'), parseSetArg('type=custom.type')];
      const spec = resolveSpec({ provider, secret: secretOf(provider), configured: {}, to: 'http://127.0.0.1:9/', overrides, headers: [], generic: [] });
      const text = buildEvent(spec, 1, Date.now()).body.toString();
      let slow = spec.sample!.body;
      for (const p of paths) slow = applyOverride(slow, spec.contentType, { path: p.split('.'), value: getJsonPath(text, p.split('.'))! });
      for (const o of overrides) slow = applyOverride(slow, spec.contentType, o);
      expect(text).toBe(slow);
      expect(JSON.parse(text).type).toBe('custom.type');
    }
  });
  it('an override of a stamped field wins (the same id on every event)', () => {
    const spec = resolveSpec({ provider: 'stripe', secret: 'whsec_x', configured: {}, to: 'http://127.0.0.1:9/', overrides: [{ path: ['id'], value: '"evt_fixed"' }], headers: [], generic: [] });
    expect([1, 2].map((i) => JSON.parse(buildEvent(spec, i, Date.now()).body.toString()).id)).toEqual(['evt_fixed', 'evt_fixed']);
  });
});

describe('time-ordered ids', () => {
  it('sort by creation time, are unique within one millisecond, and keep their length', () => {
    const t = Date.UTC(2026, 10, 29, 12);
    const ids = [t, t + 1, t + 61_000, t + 86_400_000].map((ms) => timeOrderedText(ms, 23));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^[0-9A-Za-z]{23}$/.test(id))).toBe(true);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedText(t, 23)));
    expect(same.size).toBe(1000);
  });

  it('stripe event ids are evt_1 + 23 characters, later events sort after earlier ones', () => {
    const spec = specFor('stripe');
    const idOf = (ms: number) => buildEvent(spec, 1, ms).eventId!;
    const a = idOf(Date.UTC(2026, 0, 1));
    const b = idOf(Date.UTC(2026, 0, 2));
    expect(a).toMatch(/^evt_1[0-9A-Za-z]{23}$/);
    expect(a < b).toBe(true);
  });
});

describe('generic schemes from the config', () => {
  it('send signs with the configured scheme, timestamp header included', () => {
    const def = { name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha256' as const, encoding: 'hex' as const, prefix: 'sha256=', template: '{timestamp}.{body}', timestampHeader: 'X-Acme-Timestamp', eventIdHeader: 'X-Acme-Id' };
    const spec = resolveSpec({ provider: 'acme', secret: 'acme-key', configured: {}, to: 'http://127.0.0.1:9/', overrides: [], headers: [], generic: [def] });
    expect(spec.profile.timestamp).toBe('signed-header');
    const now = Date.now();
    const ev = buildEvent(spec, 1, now);
    const req = signAttempt(spec, ev, { nowMs: now, attempt: 1 });
    expect(req.headers.find(([k]) => k === 'X-Acme-Id')![1]).toBe(JSON.parse(req.body.toString()).id);
    const p = getProvider('acme', [def])!;
    expect(p.verify({ body: req.body, headers: req.headers, url: req.url, method: 'POST', secrets: ['acme-key'], now: Math.floor(now / 1000) })).toMatchObject({ ok: true });
    const fromEnv = resolveSpec({ provider: 'acme', secret: undefined, configured: { acme: ['from-config'] }, to: 'http://127.0.0.1:9/', overrides: [], headers: [], generic: [def] });
    expect(fromEnv.secret).toBe('from-config');
  });
});
