import { describe, expect, it } from 'vitest';
import { zoomEncryptedToken } from '../../../src/signatures/index.js';
import { commonCases } from './common.js';
import { expectFail, expectOk, provider, sign, T, verify } from './helpers.js';

const p = provider('zoom');
const SECRET = 'zoom_secret_token';
const EXAMPLE = 'v0=5b36b057988a6619a8dd069bbe9aa185a7a6f1f7a27845e4a03804ff89ed9e51';
const example = (sig = EXAMPLE, ts = String(T)) => [['x-zm-request-timestamp', ts], ['x-zm-signature', sig]] as Array<[string, string]>;

// No official Node verifier: the worked example is node:crypto only.
describe('zoom', () => {
  it('worked example, and the url_validation token', () => {
    expect(sign(p, SECRET)).toEqual(example());
    expectOk(verify(p, SECRET, { headers: example() }));
    expect(zoomEncryptedToken(SECRET, 'qgg8vlvZRS6UYooatFL8Aw')).toBe('bd48235863f4a6323ccc4963c594908b7c97f88b4a6a95278f4f093690b12726');
  });
  commonCases({ name: 'zoom', secret: SECRET, other: 'other', sigHeader: 'x-zm-signature' });
  it('300 s both ways', () => {
    expectOk(verify(p, SECRET, { headers: example(), now: T + 300 }));
    expectFail(verify(p, SECRET, { headers: example(), now: T + 612 }), 'too_old', /by 612 s \(tolerance 300 s\)/);
    expectFail(verify(p, SECRET, { headers: example(), now: T - 612 }), 'too_new', /by 612 s/);
  });
  it('malformed timestamp, wrong version, missing timestamp', () => {
    expectFail(verify(p, SECRET, { headers: example(EXAMPLE, 'x') }), 'malformed_header');
    expectFail(verify(p, SECRET, { headers: example(EXAMPLE.replace('v0=', 'v1=')) }), 'wrong_scheme');
    expectFail(verify(p, SECRET, { headers: [['x-zm-signature', EXAMPLE]] }), 'missing_header', /timestamp/);
  });
  it('rotation with two secrets', () => {
    expectOk(verify(p, ['old', SECRET], { headers: example() }), 1);
  });
  it('eventInfo from the body', () => {
    expect(p.eventInfo([], Buffer.from('{"event":"meeting.started","event_ts":1700000000123}'))).toEqual({ eventType: 'meeting.started', eventId: '1700000000123' });
  });
});
