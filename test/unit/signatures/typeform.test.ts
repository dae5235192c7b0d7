import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { expectFail, expectOk, provider, sign, verify } from './helpers.js';

const p = provider('typeform');
const SECRET = 'typeform_secret';
const EXAMPLE = 'sha256=07AP/9R0jpQRiPselF1K4XoUkLAOzfNbEhMgzpSnEf8=';
const H = 'Typeform-Signature';

describe('typeform', () => {
  it('worked example (base64 after sha256=)', () => {
    expect(sign(p, SECRET)).toEqual([[H, EXAMPLE]]);
    expectOk(verify(p, SECRET, { headers: [[H, EXAMPLE]] }));
  });
  commonCases({ name: 'typeform', secret: SECRET, other: 'other', sigHeader: H });
  it('malformed: missing prefix; hex instead of base64 does not match', () => {
    expectFail(verify(p, SECRET, { headers: [[H, EXAMPLE.slice(7)]] }), 'malformed_header', /sha256=/);
    const hex = `sha256=${Buffer.from(EXAMPLE.slice(7), 'base64').toString('hex')}`;
    expectFail(verify(p, SECRET, { headers: [[H, hex]] }), 'no_match');
  });
  it('rotation with two secrets', () => {
    expectOk(verify(p, ['x', SECRET], { headers: [[H, EXAMPLE]] }), 1);
  });
  it('eventInfo from the body', () => {
    expect(p.eventInfo([], Buffer.from('{"event_id":"01H","event_type":"form_response"}'))).toEqual({ eventType: 'form_response', eventId: '01H' });
  });
});
