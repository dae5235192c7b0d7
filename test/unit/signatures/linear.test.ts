import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { expectFail, expectOk, headerValue, provider, sign, T, verify } from './helpers.js';

const p = provider('linear');
const SECRET = 'lin_wh_example';
const BODY = Buffer.from('{"action":"create","type":"Issue","webhookTimestamp":1700000000000}');
const EXAMPLE = '2c5f5605b91b77e116c2a68d37a7c1d91b351ef18fb8e13e4bf6cd859793269a';
const H = 'Linear-Signature';
const bodyAt = (ms: number, extra = '') => Buffer.from(`{"action":"create","type":"Issue"${extra},"webhookTimestamp":${ms}}`);

describe('linear', () => {
  it('worked example', () => {
    expect(sign(p, SECRET, { body: BODY })).toEqual([[H, EXAMPLE]]);
    expectOk(verify(p, SECRET, { body: BODY, headers: [[H, EXAMPLE]] }));
  });
  commonCases({ name: 'linear', secret: SECRET, other: 'lin_wh_other', sigHeader: H, req: { body: BODY } });

  it('±60 s on webhookTimestamp (ms, in the body)', () => {
    const h = [[H, EXAMPLE]] as Array<[string, string]>;
    expectOk(verify(p, SECRET, { body: BODY, headers: h, now: T + 60 }));
    expectOk(verify(p, SECRET, { body: BODY, headers: h, now: T - 60 }));
    expectFail(verify(p, SECRET, { body: BODY, headers: h, now: T + 61 }), 'too_old', /by 61 s \(tolerance 60 s/);
    expectFail(verify(p, SECRET, { body: BODY, headers: h, now: T - 61 }), 'too_new', /future by 61 s/);
  });
  it('signature first, then the body timestamp', () => {
    expectFail(verify(p, 'wrong', { body: BODY, headers: [[H, EXAMPLE]], now: T + 1000 }), 'no_match');
  });
  it('missing / non-numeric webhookTimestamp; non-JSON body', () => {
    for (const body of [Buffer.from('{"a":1}'), Buffer.from('{"webhookTimestamp":"1700000000000"}'), Buffer.from('null')]) {
      expectFail(verify(p, SECRET, { body, headers: sign(p, SECRET, { body }) }), 'missing_timestamp');
    }
    const text = Buffer.from('not json');
    expectFail(verify(p, SECRET, { body: text, headers: sign(p, SECRET, { body: text }) }), 'bad_body');
  });
  it('malformed: uppercase hex, empty', () => {
    expectFail(verify(p, SECRET, { body: BODY, headers: [[H, EXAMPLE.toUpperCase()]] }), 'no_match', /lowercase/);
    expectFail(verify(p, SECRET, { body: BODY, headers: [[H, '']] }), 'malformed_header');
  });
  it('rotation with two secrets', () => {
    expectOk(verify(p, ['lin_wh_old', SECRET], { body: BODY, headers: [[H, EXAMPLE]] }), 1);
  });
  it('eventInfo: Linear-Event / Linear-Delivery', () => {
    expect(p.eventInfo([['Linear-Event', 'Issue'], ['Linear-Delivery', 'd-1']], BODY)).toEqual({ eventType: 'Issue', eventId: 'd-1' });
    expect(p.eventInfo([], BODY)).toEqual({ eventType: 'Issue', eventId: null });
  });
});

describe('linear × @linear/sdk 98.0.0 (real clock)', () => {
  const client = new LinearWebhookClient(SECRET);
  const sdk = (body: Buffer, sig: string) => {
    try {
      return client.verify(body, sig);
    } catch {
      return false;
    }
  };
  it('agrees on fresh, stale and future bodies', () => {
    const nowMs = Date.now();
    for (const offset of [0, -30_000, 30_000, -90_000, 90_000]) {
      const body = bodyAt(nowMs + offset, ',"data":{"title":"é😀"}');
      const sig = headerValue(sign(p, SECRET, { body }), H);
      expect(verify(p, SECRET, { body, headers: [[H, sig]], now: nowMs / 1000 }).ok).toBe(sdk(body, sig));
    }
    const body = bodyAt(nowMs);
    expect(sdk(body, headerValue(sign(p, SECRET, { body }), H))).toBe(true);
  });
});
