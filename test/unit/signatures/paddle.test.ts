import { Paddle } from '@paddle/paddle-node-sdk';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, T, verify } from './helpers.js';

const p = provider('paddle');
const SECRET = 'pdl_ntfset_01example_secret';
const H1 = '8bec3ed5f884292d8b2f6208c2fbb85a1812563067b2e50e5b7c68aaa0d54fc2';
const EXAMPLE = `ts=${T};h1=${H1}`;
const sigOf = (v: string) => [['Paddle-Signature', v]] as Array<[string, string]>;
const h1Of = (secret: string) => headerValue(sign(p, secret), 'Paddle-Signature').split('h1=')[1]!;

describe('paddle', () => {
  it('worked example', () => {
    expect(sign(p, SECRET)).toEqual(sigOf(EXAMPLE));
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE) }));
  });
  commonCases({ name: 'paddle', secret: SECRET, other: 'pdl_ntfset_other', sigHeader: 'Paddle-Signature' });

  it('5 s past tolerance (SDK), future accepted', () => {
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 5 }));
    expectFail(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 6 }), 'too_old', /by 6 s \(tolerance 5 s\)/);
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T - 86400 }));
    expectOk(verify(p, SECRET, { headers: sigOf(EXAMPLE), now: T + 60, tolerance: 120 }));
  });
  it('the age is checked before the HMAC (as the SDK)', () => {
    expectFail(verify(p, 'wrong', { headers: sigOf(EXAMPLE), now: T + 60 }), 'too_old');
  });
  it('only the LAST h1 counts (SDK quirk), with a warning when an earlier one matches', () => {
    const other = h1Of('pdl_ntfset_old');
    expectOk(verify(p, SECRET, { headers: sigOf(`ts=${T};h1=${other};h1=${H1}`) }));
    const r = verify(p, SECRET, { headers: sigOf(`ts=${T};h1=${H1};h1=${other}`) });
    expectFail(r, 'no_match', /last h1/);
    expect(r.warnings.join()).toMatch(/earlier h1/);
  });
  it('rotation: two secrets, two h1', () => {
    const other = h1Of('pdl_ntfset_old');
    expectOk(verify(p, ['pdl_ntfset_old', SECRET], { headers: sigOf(`ts=${T};h1=${H1}`) }), 1);
    expectOk(verify(p, ['pdl_ntfset_x', 'pdl_ntfset_old'], { headers: sigOf(`ts=${T};h1=${H1};h1=${other}`) }), 1);
  });
  it('malformed: missing ts or h1, non-numeric ts, empty', () => {
    expectFail(verify(p, SECRET, { headers: sigOf(`h1=${H1}`) }), 'malformed_header', /ts=/);
    expectFail(verify(p, SECRET, { headers: sigOf(`ts=${T}`) }), 'malformed_header', /h1=/);
    expectFail(verify(p, SECRET, { headers: sigOf(`ts=;h1=${H1}`) }), 'malformed_header');
    expectFail(verify(p, SECRET, { headers: sigOf(`ts=abc;h1=${H1}`) }), 'malformed_header', /not a number/);
    expectFail(verify(p, SECRET, { headers: sigOf('') }), 'malformed_header');
  });
  it('eventInfo: event_type and notification_id || event_id', () => {
    expect(p.eventInfo([], Buffer.from('{"event_id":"evt_1","event_type":"transaction.completed","notification_id":"ntf_1"}'))).toEqual({ eventType: 'transaction.completed', eventId: 'ntf_1' });
    expect(p.eventInfo([], Buffer.from('{"event_id":"evt_1","event_type":"x"}')).eventId).toBe('evt_1');
  });
});

describe('paddle × @paddle/paddle-node-sdk 3.10.0 (real clock)', () => {
  const paddle = new Paddle('pdl_test_apikey_dummy');
  const now = () => Math.floor(Date.now() / 1000);
  it('the SDK accepts our signature now, and rejects it 10 s old', async () => {
    for (const body of [BODY, Buffer.from('{"x":"é😀"}')]) {
      const h = headerValue(sign(p, SECRET, { body, now: now() }), 'Paddle-Signature');
      expect(await paddle.webhooks.isSignatureValid(body.toString(), SECRET, h)).toBe(true);
      const old = headerValue(sign(p, SECRET, { body, now: now() - 10 }), 'Paddle-Signature');
      expect(await paddle.webhooks.isSignatureValid(body.toString(), SECRET, old)).toBe(false);
      expect(verify(p, SECRET, { body, headers: sigOf(old), now: now() }).ok).toBe(false);
    }
  });
  it('agrees with the SDK on multiple h1 (last wins) and future timestamps', async () => {
    const t = now();
    const good = headerValue(sign(p, SECRET, { now: t }), 'Paddle-Signature').split('h1=')[1]!;
    const bad = '0'.repeat(64);
    for (const v of [`ts=${t};h1=${bad};h1=${good}`, `ts=${t};h1=${good};h1=${bad}`, `ts=${t + 3600};h1=${headerValue(sign(p, SECRET, { now: t + 3600 }), 'Paddle-Signature').split('h1=')[1]}`]) {
      expect(verify(p, SECRET, { headers: sigOf(v), now: t }).ok).toBe(await paddle.webhooks.isSignatureValid(BODY.toString(), SECRET, v));
    }
  });
});
