import { describe, expect, it } from 'vitest';
import { genericProvider, getProvider } from '../../../src/signatures/index.js';
import type { GenericDefinition } from '../../../src/signatures/types.js';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, T, verify } from './helpers.js';

const SHA512: GenericDefinition = { name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha512', encoding: 'base64' };
const EXAMPLE = 'Heq86mrWkm7HP2+XpuswIbQSA2S5/pwDhZN4Ku7yCJN23Dz/pOtZvAY+zk+OMYcL7eSwUG2bnxRkEBEe//9F3A==';
const TIMED: GenericDefinition = {
  name: 'timed',
  header: 'X-Sig',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  template: '{timestamp}.{body}',
  timestampHeader: 'X-Timestamp',
  toleranceSeconds: 120,
  eventTypeHeader: 'X-Event',
  eventIdHeader: 'X-Delivery',
};

describe('generic', () => {
  it('worked example (sha512, base64)', () => {
    const p = genericProvider(SHA512);
    expect(sign(p, 'generic_secret')).toEqual([['X-Acme-Signature', EXAMPLE]]);
    expectOk(verify(p, 'generic_secret', { headers: [['x-acme-signature', EXAMPLE]] }));
  });
  it('`generic` alone is X-Signature, hex HMAC-SHA256; a definition is reachable by its name and as generic', () => {
    const p = provider('generic');
    expect(headerValue(sign(p, 's'), 'X-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(getProvider('acme', [SHA512])!.name).toBe('acme');
    expect(getProvider('generic', [SHA512])!.name).toBe('acme');
    expect(getProvider('acme')).toBeUndefined();
  });
  describe('default scheme', () => {
    commonCases({ name: 'generic', secret: 'generic_secret', other: 'other', sigHeader: 'X-Signature' });
  });
  it('hex is case-insensitive; prefix must be exact; several signatures (rotation)', () => {
    const p = genericProvider({ ...SHA512, encoding: 'hex', prefix: 'sha512=' });
    const v = headerValue(sign(p, 'k1'), 'X-Acme-Signature');
    const v2 = headerValue(sign(p, 'k2'), 'X-Acme-Signature');
    expectOk(verify(p, 'k1', { headers: [['X-Acme-Signature', `sha512=${v.slice(7).toUpperCase()}`]] }));
    expectFail(verify(p, 'k1', { headers: [['X-Acme-Signature', `SHA512=${v.slice(7)}`]] }), 'malformed_header', /sha512=/);
    expectFail(verify(p, 'k1', { headers: [['X-Acme-Signature', 'sha512=zz']] }), 'malformed_header', /not hex/);
    expectOk(verify(p, ['k0', 'k2'], { headers: [['X-Acme-Signature', `${v} ${v2}`]] }), 1);
  });
  it('bad base64 is malformed', () => {
    expectFail(verify(genericProvider(SHA512), 's', { headers: [['X-Acme-Signature', 'not base64!']] }), 'malformed_header');
  });
  it('timestamp template: signs {timestamp}.{body}, checks the window', () => {
    const p = genericProvider(TIMED);
    const h = sign(p, 'sek');
    expect(headerValue(h, 'X-Timestamp')).toBe(String(T));
    expectOk(verify(p, 'sek', { headers: h }));
    expectFail(verify(p, 'sek', { headers: h, now: T + 121 }), 'too_old', /tolerance 120 s/);
    expectFail(verify(p, 'sek', { headers: h, now: T - 121 }), 'too_new');
    expectOk(verify(p, 'sek', { headers: h, now: T + 500, tolerance: 600 }));
    expectFail(verify(p, 'sek', { headers: h.filter(([k]) => k !== 'X-Timestamp') }), 'missing_header', /X-Timestamp/);
    expectFail(verify(p, 'sek', { headers: h.map(([k, v]) => [k, k === 'X-Timestamp' ? 'now' : v]) }), 'malformed_header');
    const moved = h.map(([k, v]) => [k, k === 'X-Timestamp' ? String(T + 1) : v] as [string, string]);
    expectFail(verify(p, 'sek', { headers: moved }), 'no_match');
  });
  it('template with {url} and {method}', () => {
    const p = genericProvider({ ...SHA512, template: '{method} {url}\n{body}' });
    const h = sign(p, 'k', { url: 'https://a.test/x', method: 'PUT' });
    expectOk(verify(p, 'k', { headers: h, url: 'https://a.test/x', method: 'PUT' }));
    expectFail(verify(p, 'k', { headers: h, url: 'https://a.test/y', method: 'PUT' }), 'no_match');
    expect(p.usesUrl).toBe(true);
  });
  it('eventInfo from configured headers', () => {
    const p = genericProvider(TIMED);
    expect(p.eventInfo([['X-Event', 'order.paid'], ['X-Delivery', 'd1']], BODY)).toEqual({ eventType: 'order.paid', eventId: 'd1' });
    expect(genericProvider(SHA512).eventInfo([['X-Event', 'x']], BODY)).toEqual({ eventType: null, eventId: null });
  });
});
