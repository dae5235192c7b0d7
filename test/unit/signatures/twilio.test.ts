import twilioSdk from 'twilio';
import { describe, expect, it } from 'vitest';
import { withBodySha256 } from '../../../src/signatures/index.js';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, verify } from './helpers.js';

const p = provider('twilio');
const TOKEN = '12345';
const URL1 = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const FORM = Buffer.from('CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212');
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const CT: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];
const SETTINGS: [string, string] = ['X-Twilio-Webhooks-Signature-Settings', 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256'];
const JSON_URL = 'https://example.test/hook?bodySHA256=64034d8c87b1e099524c4ad2b5e400026c4f133bfaedb3a26cdfb893ec68bdaf';
const form = { body: FORM, url: URL1 };
const sig = (v: string, ...extra: Array<[string, string]>) => [CT, ...extra, ['X-Twilio-Signature', v]] as Array<[string, string]>;

describe('twilio', () => {
  it('worked example: form params, HMAC-SHA1', () => {
    expect(headerValue(sign(p, TOKEN, { ...form, headers: [CT] }), 'X-Twilio-Signature')).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expectOk(verify(p, TOKEN, { ...form, headers: sig('0/KCTR6DLpKmkAf8muzZqo1nDgQ=') }));
  });
  it('worked example: HMAC-SHA256 via X-Twilio-Webhooks-Signature-Settings', () => {
    const v = 'Rmm4Vzj+Ky7JGoWXMCsZDZuHDszLr9xvdbvitrDr4/M=';
    expect(headerValue(sign(p, TOKEN, { ...form, headers: [CT, SETTINGS] }), 'X-Twilio-Signature')).toBe(v);
    expectOk(verify(p, TOKEN, { ...form, headers: sig(v, SETTINGS) }));
    expectFail(verify(p, TOKEN, { ...form, headers: sig(v) }), 'no_match');
    expectFail(verify(p, TOKEN, { ...form, headers: sig(v, ['X-Twilio-Webhooks-Signature-Settings', 'key=k,algorithm=HMAC_MD5']) }), 'wrong_scheme', /HMAC_MD5/);
  });
  it('worked example: JSON body bound by bodySHA256', () => {
    const h: Array<[string, string]> = [['Content-Type', 'application/json'], ['X-Twilio-Signature', 'cKN34UbXjjQfbRjM+tXwepGdfMQ=']];
    expect(headerValue(sign(p, TOKEN, { url: JSON_URL, headers: [h[0]!] }), 'X-Twilio-Signature')).toBe('cKN34UbXjjQfbRjM+tXwepGdfMQ=');
    expectOk(verify(p, TOKEN, { url: JSON_URL, headers: h }));
    expectFail(verify(p, TOKEN, { url: JSON_URL, headers: h, body: Buffer.from('{"id":"evt_124","amount":1000}') }), 'no_match', /bodySHA256/);
    expect(withBodySha256('https://example.test/hook', BODY)).toBe(JSON_URL);
  });
  commonCases({ name: 'twilio', secret: TOKEN, other: 'other-token', sigHeader: 'X-Twilio-Signature', req: { ...form, headers: [CT] } });

  it('tolerates an added or removed default port (as twilio-node)', () => {
    const h = sign(p, TOKEN, { ...form, headers: [CT] });
    expectOk(verify(p, TOKEN, { ...form, url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2', headers: h }));
    const h2 = sign(p, TOKEN, { ...form, url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2', headers: [CT] });
    expectOk(verify(p, TOKEN, { ...form, headers: h2 }));
    expectFail(verify(p, TOKEN, { ...form, url: 'http://mycompany.com/myapp.php?foo=1&bar=2', headers: h }), 'no_match');
    expectFail(verify(p, TOKEN, { ...form, url: 'https://mycompany.com/myapp.php?bar=2&foo=1', headers: h }), 'no_match');
  });
  it('needs an absolute URL', () => {
    expectFail(verify(p, TOKEN, { ...form, url: '/myapp.php', headers: sig('x') }), 'bad_url', /--url/);
    expectFail(verify(p, TOKEN, { ...form, url: '', headers: sig('x') }), 'bad_url');
    expect(() => sign(p, TOKEN, { ...form, url: '/x' })).toThrow(/full URL/);
  });
  it('param order in the body does not matter; repeated names are de-duplicated and sorted', () => {
    const a = Buffer.from('To=1&B=x&B=a&B=x&A=2');
    const b = Buffer.from('B=a&A=2&B=x&To=1');
    const h = sign(p, TOKEN, { body: a, url: URL1, headers: [CT] });
    expectOk(verify(p, TOKEN, { body: b, url: URL1, headers: h }));
  });
  it('malformed: empty header', () => {
    expectFail(verify(p, TOKEN, { ...form, headers: sig('') }), 'malformed_header');
  });
  it('rotation: two tokens (the SharedKey and the Auth Token)', () => {
    const h = sign(p, TOKEN, { ...form, headers: [CT] });
    expectOk(verify(p, ['shared-key-secret', TOKEN], { ...form, headers: h }), 1);
  });
  it('eventInfo: idempotency token, status as type', () => {
    expect(p.eventInfo([['I-Twilio-Idempotency-Token', 'tok-1']], Buffer.from('MessageSid=SM1&MessageStatus=delivered'))).toEqual({ eventType: 'message.delivered', eventId: 'tok-1' });
    expect(p.eventInfo([], FORM)).toEqual({ eventType: null, eventId: null });
  });
});

describe('twilio × twilio 6.3.1', () => {
  const urls = [URL1, 'https://mycompany.com:443/myapp.php', "https://x.test/a path/it's?q=a b", 'http://[::1]:8080/hook?x=1'];
  const bodies = [FORM, Buffer.from('Body=h%C3%A9llo+world&B=2&B=1&B=2&Empty='), Buffer.alloc(0)];
  it('getExpectedTwilioSignature = our sign; validateRequest accepts ours; we accept theirs', () => {
    for (const url of urls) {
      for (const body of bodies) {
        const multi: Record<string, string | string[]> = {};
        for (const [k, v] of new URLSearchParams(body.toString())) multi[k] = k in multi ? ([] as string[]).concat(multi[k]!, v) : v;
        for (const alg of ['HMAC_SHA1', 'HMAC_SHA256']) {
          const headers: Array<[string, string]> = alg === 'HMAC_SHA1' ? [CT] : [CT, SETTINGS];
          const ours = headerValue(sign(p, TOKEN, { body, url, headers }), 'X-Twilio-Signature');
          const theirs = twilioSdk.getExpectedTwilioSignature(TOKEN, url, multi, alg);
          expect(ours).toBe(theirs);
          expect(twilioSdk.validateRequest(TOKEN, ours, url, multi, alg)).toBe(true);
          expectOk(verify(p, TOKEN, { body, url, headers: [...headers, ['X-Twilio-Signature', theirs]] }));
        }
      }
    }
  });
  it('agrees on the port tolerance', () => {
    const sdkSig = twilioSdk.getExpectedTwilioSignature(TOKEN, 'https://h.test:443/x', PARAMS);
    for (const url of ['https://h.test/x', 'https://h.test:443/x', 'https://h.test:8443/x', 'http://h.test/x']) {
      expect(verify(p, TOKEN, { body: FORM, url, headers: sig(sdkSig) }).ok).toBe(twilioSdk.validateRequest(TOKEN, sdkSig, url, PARAMS));
    }
  });
  it('JSON: validateRequestWithBody both ways', () => {
    for (const body of [BODY, Buffer.from('{"é":"😀"}')]) {
      const url = withBodySha256('https://example.test/hook?x=1', body);
      const ours = headerValue(sign(p, TOKEN, { body, url, headers: [['Content-Type', 'application/json']] }), 'X-Twilio-Signature');
      expect(twilioSdk.validateRequestWithBody(TOKEN, ours, url, body.toString())).toBe(true);
      const theirs = twilioSdk.getExpectedTwilioSignature(TOKEN, url, {});
      expectOk(verify(p, TOKEN, { body, url, headers: [['Content-Type', 'application/json'], ['X-Twilio-Signature', theirs]] }));
      expect(twilioSdk.validateRequestWithBody(TOKEN, ours, url, `${body.toString()} `)).toBe(false);
      expect(verify(p, TOKEN, { body: Buffer.concat([body, Buffer.from(' ')]), url, headers: [['X-Twilio-Signature', ours]] }).ok).toBe(false);
    }
  });
});
