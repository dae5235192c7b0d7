import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, T, verify } from './helpers.js';

const p = provider('svix');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SIG = 'v1,2SjMc1a26iPPZV7GVdVFZUIYyM4NYPYS7c6QgsIDsjY=';
const example = (sig = SIG, ts = String(T), prefix = 'svix') =>
  [[`${prefix}-id`, ID], [`${prefix}-timestamp`, ts], [`${prefix}-signature`, sig]] as Array<[string, string]>;

describe('svix', () => {
  it('worked example (same value as Standard Webhooks)', () => {
    expect(sign(p, SECRET, { headers: [['svix-id', ID]] })).toEqual(example());
    expectOk(verify(p, SECRET, { headers: example() }));
  });
  commonCases({ name: 'svix', secret: SECRET, other: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==', sigHeader: 'svix-signature' });

  it('also accepts webhook-* headers (white-labelled senders) and signs them back under the same names', () => {
    expectOk(verify(p, SECRET, { headers: example(SIG, String(T), 'webhook') }));
    const h = sign(p, SECRET, { headers: [['webhook-id', ID], ['webhook-signature', 'old']] });
    expect(h.map(([k]) => k)).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headerValue(h, 'webhook-signature')).toBe(SIG);
  });
  it('svix-* wins over webhook-* when both are present', () => {
    const h = [...example(), ['webhook-signature', 'v1,AAAA'] as [string, string]];
    expectOk(verify(p, SECRET, { headers: h }));
    const h2 = [...example('v1,AAAA'), ['webhook-signature', SIG] as [string, string]];
    expectFail(verify(p, SECRET, { headers: h2 }), 'no_match');
  });
  it('±300 s', () => {
    expectFail(verify(p, SECRET, { headers: example(), now: T + 301 }), 'too_old', /by 301 s/);
    expectFail(verify(p, SECRET, { headers: example(), now: T - 301 }), 'too_new');
  });
  it('malformed timestamp', () => {
    expectFail(verify(p, SECRET, { headers: example(SIG, 'soon') }), 'malformed_header', /svix-timestamp/);
  });
  it('rotation: two secrets, two signatures', () => {
    const other = 'whsec_' + Buffer.from('another-secret-of-24-bytes!').toString('base64');
    const sigA = headerValue(sign(p, other, { headers: [['svix-id', ID]] }), 'svix-signature');
    expectOk(verify(p, ['whsec_d3Jvbmd3cm9uZw==', other], { headers: example(`${SIG} ${sigA}`) }), 1);
  });
  it('eventInfo: svix-id and body type', () => {
    expect(p.eventInfo(example(), Buffer.from('{"type":"email.sent"}'))).toEqual({ eventType: 'email.sent', eventId: ID });
  });
});

describe('svix × svix 1.99.1', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it('the SDK signs the worked example identically', () => {
    expect(new Webhook(SECRET).sign(ID, new Date(T * 1000), BODY.toString())).toBe(SIG);
  });
  it('both directions, svix-* and webhook-* names', () => {
    const wh = new Webhook(SECRET);
    for (const names of [['svix-id'], ['webhook-id']]) {
      const t = now();
      const h = sign(p, SECRET, { now: t, headers: [[names[0]!, 'msg_1'], [names[0]!.replace('id', 'signature'), 'x']] });
      expect(() => wh.verify(BODY.toString(), Object.fromEntries(h))).not.toThrow();
    }
    const t = now();
    const theirs = wh.sign('msg_2', new Date(t * 1000), BODY.toString());
    expectOk(verify(p, SECRET, { now: t, headers: [['Svix-Id', 'msg_2'], ['Svix-Timestamp', String(t)], ['Svix-Signature', theirs]] }));
  });
});
