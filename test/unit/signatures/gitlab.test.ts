import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, verify } from './helpers.js';

const p = provider('gitlab');
const H = 'X-Gitlab-Token';

describe('gitlab', () => {
  it('worked example: the token itself', () => {
    expect(sign(p, 'my-token')).toEqual([[H, 'my-token']]);
    expectOk(verify(p, 'my-token', { headers: [[H, 'my-token']] }));
  });
  commonCases({ name: 'gitlab', secret: 'my-token', other: 'other-token', sigHeader: H, bodySigned: false });
  it('whole-value, exact compare', () => {
    expectFail(verify(p, 'my-token', { headers: [[H, 'my-toke']] }), 'no_match');
    expectFail(verify(p, 'my-token', { headers: [[H, 'my-token ']] }), 'no_match');
    expectFail(verify(p, 'my-token', { headers: [[H, 'MY-TOKEN']] }), 'no_match');
    expectFail(verify(p, 'my-token', { headers: [[H, '']] }), 'malformed_header');
  });
  it('rotation with two tokens', () => {
    expectOk(verify(p, ['old', 'my-token'], { headers: [[H, 'my-token']] }), 1);
  });
  it('eventInfo: X-Gitlab-Event, X-Gitlab-Event-UUID or Idempotency-Key', () => {
    expect(p.eventInfo([['X-Gitlab-Event', 'Push Hook'], ['X-Gitlab-Event-UUID', 'u-1'], ['Idempotency-Key', 'i-1']], BODY)).toEqual({ eventType: 'Push Hook', eventId: 'u-1' });
    expect(p.eventInfo([['Idempotency-Key', 'i-1']], BODY)).toEqual({ eventType: null, eventId: 'i-1' });
  });
});
