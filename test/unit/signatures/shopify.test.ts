import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, verify } from './helpers.js';

const p = provider('shopify');
const SECRET = 'shpss_example_secret';
const EXAMPLE = 'mLPUIDOBPlMCOfBuHtwNhKEZfXP/74yqONw2VxB2d9A=';
const H = 'X-Shopify-Hmac-Sha256';

// No Shopify SDK here (@shopify/shopify-api 13+ needs Node 22); the docs' example was SDK-checked.
describe('shopify', () => {
  it('worked example', () => {
    expect(sign(p, SECRET)).toEqual([[H, EXAMPLE]]);
    expectOk(verify(p, SECRET, { headers: [[H, EXAMPLE]] }));
  });
  commonCases({ name: 'shopify', secret: SECRET, other: 'shpss_other', sigHeader: H });
  it('rejects an empty body (the SDK does, before the HMAC)', () => {
    const h = sign(p, SECRET, { body: Buffer.alloc(0) });
    expectFail(verify(p, SECRET, { body: Buffer.alloc(0), headers: h }), 'empty_body');
  });
  it('rejects hex where base64 is expected; malformed empty header', () => {
    const hex = Buffer.from(EXAMPLE, 'base64').toString('hex');
    expectFail(verify(p, SECRET, { headers: [[H, hex]] }), 'no_match');
    expectFail(verify(p, SECRET, { headers: [[H, '']] }), 'malformed_header');
  });
  it('rotation with two secrets', () => {
    expectOk(verify(p, ['shpss_old', SECRET], { headers: [[H, EXAMPLE]] }), 1);
  });
  it('eventInfo from headers', () => {
    expect(p.eventInfo([['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Webhook-Id', 'wh-1']], BODY)).toEqual({ eventType: 'orders/create', eventId: 'wh-1' });
    expect(p.eventInfo([['X-Shopify-Event-Id', 'ev-1']], BODY)).toEqual({ eventType: null, eventId: 'ev-1' });
  });
});
