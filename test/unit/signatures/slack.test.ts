import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, T, verify } from './helpers.js';

const p = provider('slack');
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const EXAMPLE = 'v0=174668ec3e1d70d4a138e5fa95e4480c6c89851d88038bb13ae6c410a9f00d89';
const example = (sig = EXAMPLE, ts = String(T)) =>
  [['X-Slack-Request-Timestamp', ts], ['X-Slack-Signature', sig]] as Array<[string, string]>;

describe('slack', () => {
  it('worked example', () => {
    expect(sign(p, SECRET)).toEqual(example());
    expectOk(verify(p, SECRET, { headers: example() }));
  });
  commonCases({ name: 'slack', secret: SECRET, other: 'other', sigHeader: 'X-Slack-Signature' });

  it('stale after 300 s; future accepted (Bolt) with a warning', () => {
    expectOk(verify(p, SECRET, { headers: example(), now: T + 300 }));
    expectFail(verify(p, SECRET, { headers: example(), now: T + 612 }), 'too_old', /by 612 s \(tolerance 300 s\)/);
    const r = verify(p, SECRET, { headers: example(), now: T - 3600 });
    expectOk(r);
    expect(r.warnings.join()).toMatch(/future/);
  });
  it('checks staleness before the signature (as Bolt)', () => {
    expectFail(verify(p, 'wrong', { headers: example(), now: T + 612 }), 'too_old');
  });
  it('missing timestamp header; malformed timestamp; wrong version', () => {
    expectFail(verify(p, SECRET, { headers: [['X-Slack-Signature', EXAMPLE]] }), 'missing_header', /Timestamp/);
    expectFail(verify(p, SECRET, { headers: example(EXAMPLE, 'yesterday') }), 'malformed_header');
    expectFail(verify(p, SECRET, { headers: example(EXAMPLE, '') }), 'malformed_header');
    expectFail(verify(p, SECRET, { headers: example(EXAMPLE.replace('v0', 'v1')) }), 'wrong_scheme', /v0/);
    expectFail(verify(p, SECRET, { headers: example('v0=') }), 'malformed_header');
    expectFail(verify(p, SECRET, { headers: example('garbage') }), 'wrong_scheme');
  });
  it('rotation: two secrets', () => {
    expectOk(verify(p, ['old', SECRET], { headers: example() }), 1);
  });
  it('eventInfo: Events API JSON, slash command form, interactivity payload', () => {
    expect(p.eventInfo([], Buffer.from('{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}'))).toEqual({ eventType: 'event_callback', eventId: 'Ev1' });
    expect(p.eventInfo([], Buffer.from('token=x&command=%2Fdeploy&text=now'))).toEqual({ eventType: '/deploy', eventId: null });
    expect(p.eventInfo([], Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`))).toEqual({ eventType: 'block_actions', eventId: null });
  });
});

describe('slack × @slack/bolt 5.1.0 verifySlackRequest', () => {
  const check = (body: Buffer, headers: Array<[string, string]>, nowSec: number) => {
    const h = Object.fromEntries(headers.map(([k, v]) => [k.toLowerCase(), v]));
    try {
      verifySlackRequest({
        signingSecret: SECRET,
        body: body.toString(),
        headers: { 'x-slack-signature': h['x-slack-signature']!, 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) },
        nowMilliseconds: nowSec * 1000,
      });
      return true;
    } catch {
      return false;
    }
  };
  it('accepts our signatures and agrees on the window', () => {
    for (const body of [BODY, Buffer.from('token=a&command=%2Fx&text=h%C3%A9'), Buffer.alloc(0)]) {
      const h = sign(p, SECRET, { body });
      for (const now of [T, T + 300, T + 301, T - 10_000]) {
        expect(verify(p, SECRET, { body, headers: h, now }).ok).toBe(check(body, h, now));
      }
      expect(check(body, h, T)).toBe(true);
    }
  });
  it('agrees on the worked example and on tampering', () => {
    expect(check(BODY, example(), T)).toBe(true);
    expect(check(Buffer.from('x'), example(), T)).toBe(false);
  });
});
