import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, verify } from './helpers.js';

const p = provider('square');
const KEY = 'example-signature-key';
const URL1 = 'https://example.test/webhooks/square';
const EXAMPLE = 'IrlNQRbxl8A9b/CUFilT8gmVhSNlshFERDM9UnuOGIo=';
const H = 'X-Square-HmacSha256-Signature';

describe('square', () => {
  it('worked example', () => {
    expect(sign(p, KEY, { url: URL1 })).toEqual([[H, EXAMPLE]]);
    expectOk(verify(p, KEY, { url: URL1, headers: [[H, EXAMPLE]] }));
  });
  commonCases({ name: 'square', secret: KEY, other: 'other-key', sigHeader: H, req: { url: URL1 } });
  it('the URL is signed byte-for-byte', () => {
    for (const url of [`${URL1}/`, 'http://example.test/webhooks/square', `${URL1}?a=1`]) {
      expectFail(verify(p, KEY, { url, headers: [[H, EXAMPLE]] }), 'no_match');
    }
    expectFail(verify(p, KEY, { url: '', headers: [[H, EXAMPLE]] }), 'bad_url', /--url/);
  });
  it('empty body is fine (URL alone); malformed empty header', () => {
    const h = sign(p, KEY, { url: URL1, body: Buffer.alloc(0) });
    expectOk(verify(p, KEY, { url: URL1, body: Buffer.alloc(0), headers: h }));
    expectFail(verify(p, KEY, { url: URL1, headers: [[H, '']] }), 'malformed_header');
  });
  it('rotation with two keys', () => {
    expectOk(verify(p, ['old', KEY], { url: URL1, headers: [[H, EXAMPLE]] }), 1);
  });
  it('eventInfo from the body', () => {
    expect(p.eventInfo([], Buffer.from('{"type":"payment.updated","event_id":"e-1"}'))).toEqual({ eventType: 'payment.updated', eventId: 'e-1' });
    expect(p.eventInfo([], BODY).eventId).toBeNull();
  });
});

describe('square × square 46.0.0 WebhooksHelper', () => {
  it('accepts ours; we accept what it accepts', async () => {
    for (const [url, body] of [[URL1, BODY], ['https://x.test/a?b=1&c=é', Buffer.from('{"é":"😀"}')]] as const) {
      const sig = headerValue(sign(p, KEY, { url, body }), H);
      expect(await WebhooksHelper.verifySignature({ requestBody: body.toString(), signatureHeader: sig, signatureKey: KEY, notificationUrl: url })).toBe(true);
      expect(await WebhooksHelper.verifySignature({ requestBody: `${body.toString()}\n`, signatureHeader: sig, signatureKey: KEY, notificationUrl: url })).toBe(false);
    }
    expect(await WebhooksHelper.verifySignature({ requestBody: BODY.toString(), signatureHeader: EXAMPLE, signatureKey: KEY, notificationUrl: URL1 })).toBe(true);
  });
});
