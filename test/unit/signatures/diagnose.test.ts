import { gzipSync } from 'node:zlib';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/signatures/index.js';
import type { AnalyzeInput } from '../../../src/signatures/types.js';
import { BODY, provider, sign, T } from './helpers.js';

const stripe = provider('stripe');
const STRIPE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function run(over: Partial<AnalyzeInput> & { headers: AnalyzeInput['headers'] }) {
  return analyze({ body: BODY, url: '', method: 'POST', secrets: { stripe: [STRIPE] }, now: T, ...over });
}

describe('diagnosis on no_match', () => {
  it('body re-serialized as compact JSON', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
    const v = run({ body: pretty, headers: sign(stripe, STRIPE) });
    expect(v.status).toBe('invalid');
    expect(v.code).toBe('no_match');
    expect(v.diagnosis).toMatch(/Likely cause: the signature matches the body re-serialized as compact JSON/);
  });
  it('body pretty-printed and with sorted keys', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
    expect(run({ body: BODY, headers: sign(stripe, STRIPE, { body: pretty }) }).diagnosis).toMatch(/pretty-printed/);
    const sorted = Buffer.from('{"amount":1000,"id":"evt_123"}');
    expect(run({ body: BODY, headers: sign(stripe, STRIPE, { body: sorted }) }).diagnosis).toMatch(/sorted keys/);
  });
  it('trailing newline added or removed, CRLF', () => {
    const nl = Buffer.concat([BODY, Buffer.from('\n')]);
    expect(run({ body: nl, headers: sign(stripe, STRIPE) }).diagnosis).toMatch(/without its trailing newline/);
    expect(run({ body: BODY, headers: sign(stripe, STRIPE, { body: nl }) }).diagnosis).toMatch(/trailing newline added/);
    const crlf = Buffer.from('a=1\r\nb=2\r\n');
    const lf = Buffer.from('a=1\nb=2\n');
    expect(run({ body: lf, headers: sign(stripe, STRIPE, { body: crlf }) }).diagnosis).toMatch(/LF line ends turned into CRLF/);
  });
  it('gzip: signed over the decoded bytes, stored compressed', () => {
    const gz = gzipSync(BODY);
    const v = run({ body: gz, headers: [...sign(stripe, STRIPE), ['Content-Encoding', 'gzip']] });
    expect(v.diagnosis).toMatch(/gunzipped body/);
  });
  it('whsec_ secret used base64-decoded by the sender (Stripe uses the whole string)', () => {
    const decoded = Buffer.from(STRIPE.slice(6), 'base64');
    // Signed "as Stripe" but with the base64-decoded key (the Standard Webhooks habit).
    const mac = createHmac('sha256', decoded).update(`${T}.`).update(BODY).digest('hex');
    const v = run({ headers: [['Stripe-Signature', `t=${T},v1=${mac}`]] });
    expect(v.diagnosis).toMatch(/base64-decoded after whsec_/);
  });
  it('standard-webhooks secret used as plain text by the sender', () => {
    const std = provider('standard-webhooks');
    const asText = `whsec_${Buffer.from(STRIPE).toString('base64')}`;
    const h = sign(std, asText, { headers: [['webhook-id', 'msg_1']] });
    const v = analyze({ body: BODY, headers: h, url: '', method: 'POST', secrets: { 'standard-webhooks': [STRIPE] }, now: T });
    expect(v.diagnosis).toMatch(/used as plain text/);
  });
  it('secret with stray whitespace', () => {
    const v = run({ headers: sign(stripe, STRIPE), secrets: { stripe: [`${STRIPE}\n`] } });
    expect(v.diagnosis).toMatch(/whitespace removed/);
  });
  it("another provider's configured secret (test vs live)", () => {
    const live = 'whsec_live_0000';
    const v = run({ headers: sign(stripe, live), secrets: { stripe: [STRIPE], svix: ['whsec_c3ZpeA=='], 'stripe-live': [live] } });
    expect(v.diagnosis).toMatch(/configured for "stripe-live"/);
    expect(v.diagnosis).not.toContain(live);
  });
  it('Twilio URL: port added, scheme, trailing slash, query order', () => {
    const tw = provider('twilio');
    const body = Buffer.from('A=1&B=2');
    const ct: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];
    const cases: Array<[signed: string, seen: string, label: RegExp]> = [
      ['http://example.test/hook', 'https://example.test:443/hook', /http instead of https, without port :443/],
      ['https://example.test:8443/hook', 'https://example.test/hook', /port :8443 from X-Forwarded-Port/],
      ['https://example.test/hook', 'http://example.test/hook', /https instead of http/],
      ['https://example.test/hook/', 'https://example.test/hook', /trailing slash/],
      ['https://example.test/hook?a=1&b=2', 'https://example.test/hook?b=2&a=1', /another order/],
    ];
    for (const [signedUrl, seen, label] of cases) {
      const h = sign(tw, 'tok', { body, url: signedUrl, headers: [ct] });
      const headers: Array<[string, string]> = [...h, ['X-Forwarded-Port', '8443']];
      const v = analyze({ body, headers, url: seen, method: 'POST', secrets: { twilio: ['tok'] }, now: T });
      expect(v.code).toBe('no_match');
      expect(v.diagnosis).toMatch(label);
      expect(v.diagnosis).toContain(signedUrl);
    }
  });
  it('Twilio URL from X-Forwarded-Proto / Host behind a tunnel', () => {
    const tw = provider('twilio');
    const body = Buffer.from('A=1');
    const h = sign(tw, 'tok', { body, url: 'https://abc.tunnel.test/sms', headers: [['Content-Type', 'application/x-www-form-urlencoded']] });
    const headers: Array<[string, string]> = [...h, ['Host', 'abc.tunnel.test'], ['X-Forwarded-Proto', 'https']];
    const v = analyze({ body, headers, url: 'http://127.0.0.1:4747/sms', method: 'POST', secrets: { twilio: ['tok'] }, now: T });
    expect(v.diagnosis).toMatch(/https:\/\/abc\.tunnel\.test\/sms/);
  });
  it('nothing explains it: says so, with the body hash', () => {
    const v = run({ headers: sign(stripe, 'whsec_unknown') });
    expect(v.diagnosis).toMatch(/None of the usual culprits/);
    expect(v.diagnosis).toContain(`sha256 ${sha(BODY)}`);
    expect(v.diagnosis).toContain(`${BODY.length} bytes`);
  });
  it('always carries the raw body hash; none on other failures', () => {
    const v = run({ body: Buffer.concat([BODY, Buffer.from('\n')]), headers: sign(stripe, STRIPE) });
    expect(v.diagnosis).toContain(sha(Buffer.concat([BODY, Buffer.from('\n')])));
    expect(run({ headers: sign(stripe, STRIPE), now: T + 1000 }).diagnosis).toBeNull();
  });
});
