import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, T, verify } from './helpers.js';

const p = provider('stripe');
const SECRET = 'whsec_test_secret';
const EXAMPLE = 't=1700000000,v1=b87ce03968fbf6e86b133a4c341b233ac759bdf946672d2c8137318e45e6ec0c';
const sigOf = (v: string) => [['Stripe-Signature', v]] as Array<[string, string]>;
const v1 = (secret: string, ts = T) => /v1=([0-9a-f]+)/.exec(sign(p, secret, { now: ts })[0]![1])![1]!;

describe('stripe', () => {
  it('worked example', () => {
    expect(sign(p, SECRET)).toEqual(sigOf(EXAMPLE));
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE) }));
  });
  commonCases({ name: 'stripe', secret: SECRET, other: 'whsec_other', sigHeader: 'Stripe-Signature' });

  it('rejects a timestamp older than 300 s, with the numbers', () => {
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 300 }));
    expectFail(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 612 }), 'too_old', /by 612 s \(tolerance 300 s\)/);
  });
  it('accepts a future timestamp (stripe-node does), with a warning when far ahead', () => {
    const r = verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T - 3600 });
    expectOk(r);
    expect(r.warnings.join()).toMatch(/future/);
  });
  it('tolerance override; 0 disables the age check', () => {
    expectFail(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 20, tolerance: 10 }), 'too_old', /tolerance 10 s/);
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 10 ** 6, tolerance: 0 }));
  });
  it('checks the signature before the age (as stripe-node)', () => {
    expectFail(verify(p, 'whsec_wrong', { headers: sigOf(EXAMPLE), now: T + 10 ** 6 }), 'no_match');
  });
  it('malformed headers', () => {
    expectFail(verify(p, SECRET, { headers: sigOf('') }), 'malformed_header', /empty/);
    expectFail(verify(p, SECRET, { headers: sigOf(`v1=${v1(SECRET)}`) }), 'malformed_header', /no t=/);
    expectFail(verify(p, SECRET, { headers: sigOf('t=abc,v1=00') }), 'malformed_header', /not a number/);
    expectFail(verify(p, SECRET, { headers: sigOf('garbage') }), 'malformed_header');
  });
  it('wrong scheme: only v0', () => {
    expectFail(verify(p, SECRET, { headers: sigOf(`t=${T},v0=${v1(SECRET)}`) }), 'wrong_scheme', /v1=.*found only v0/);
  });
  it('any of several v1 signatures; order and unknown keys do not matter', () => {
    const h = sigOf(`v1=${v1('whsec_old')},foo=bar,v1=${v1(SECRET)},t=${T}`);
    expectOk(verify(p, SECRET, { headers: h }));
    expectOk(verify(p, 'whsec_old', { headers: h }));
  });
  it('rejects uppercase hex, saying so', () => {
    expectFail(verify(p, SECRET, { headers: sigOf(`t=${T},v1=${v1(SECRET).toUpperCase()}`) }), 'no_match', /uppercase/);
  });
  it('does not trim whitespace around items (as stripe-node)', () => {
    expectFail(verify(p, SECRET, { headers: sigOf(`t=${T}, v1=${v1(SECRET)}`) }), 'wrong_scheme');
  });
  it('uses the whole whsec_ string as the key', () => {
    expectFail(verify(p, 'test_secret', { headers: sigOf(EXAMPLE) }), 'no_match');
  });
  it('an empty body is signed as "{t}."', () => {
    const h = sign(p, SECRET, { body: Buffer.alloc(0) });
    expectOk(verify(p, SECRET, { body: Buffer.alloc(0), headers: h }));
  });
  it('eventInfo from the body, defensively', () => {
    expect(p.eventInfo([], Buffer.from('{"id":"evt_1","type":"charge.succeeded"}'))).toEqual({ eventType: 'charge.succeeded', eventId: 'evt_1' });
    expect(p.eventInfo([], Buffer.from('{"id":'))).toEqual({ eventType: null, eventId: null });
    expect(p.eventInfo([], Buffer.from('[1,2]'))).toEqual({ eventType: null, eventId: null });
  });
});

describe('stripe × stripe-node 23.1.0', () => {
  const stripe = new Stripe('sk_test_dummy');
  const sdk = stripe.webhooks.signature!;
  const payloads = [BODY.toString(), '{"a":"é ü 😀","b":[1,2,3]}\n', ' ', 'x'.repeat(5000)];
  it('verifies what the SDK generates', () => {
    for (const payload of payloads) {
      for (const ts of [T, T + 12345]) {
        const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: ts });
        expectOk(verify(p, SECRET, { body: Buffer.from(payload), headers: [['stripe-signature', header]], now: ts }));
      }
    }
  });
  it('our signature passes the SDK verifier', () => {
    for (const payload of payloads) {
      const body = Buffer.from(payload);
      const [[, header]] = sign(p, SECRET, { body }) as [[string, string]];
      expect(sdk.verifyHeader(body, header, SECRET, 300, undefined, T * 1000)).toBe(true);
      expect(() => sdk.verifyHeader(body, header, SECRET, 300, undefined, (T + 301) * 1000)).toThrow();
      expect(verify(p, SECRET, { body, headers: [['Stripe-Signature', header]], now: T + 301 }).ok).toBe(false);
    }
  });
  it('agrees on future timestamps and uppercase hex', () => {
    const body = BODY;
    const header = sign(p, SECRET, { now: T + 3600 })[0]![1];
    expect(sdk.verifyHeader(body, header, SECRET, 300, undefined, T * 1000)).toBe(true);
    expect(verify(p, SECRET, { body, headers: [['Stripe-Signature', header]], now: T }).ok).toBe(true);
    const upper = header.replace(/v1=(\w+)/, (_, h: string) => `v1=${h.toUpperCase()}`);
    expect(() => sdk.verifyHeader(body, upper, SECRET, 300, undefined, T * 1000)).toThrow();
    expect(verify(p, SECRET, { body, headers: [['Stripe-Signature', upper]], now: T }).ok).toBe(false);
  });
});
