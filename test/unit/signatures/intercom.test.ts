import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, verify } from './helpers.js';

const p = provider('intercom');
const SECRET = 'intercom_client_secret';
const EXAMPLE = 'sha1=20b25bc322884c531a5affb59485a469d3e3bfad';

describe('intercom', () => {
  it('worked example', () => {
    expect(sign(p, SECRET)).toEqual([['X-Hub-Signature', EXAMPLE]]);
    expectOk(verify(p, SECRET, { headers: [['X-Hub-Signature', EXAMPLE]] }));
  });
  commonCases({ name: 'intercom', secret: SECRET, other: 'other', sigHeader: 'X-Hub-Signature' });
  it('malformed: wrong prefix, empty', () => {
    expectFail(verify(p, SECRET, { headers: [['X-Hub-Signature', EXAMPLE.slice(5)]] }), 'malformed_header', /sha1=/);
    expectFail(verify(p, SECRET, { headers: [['X-Hub-Signature', '']] }), 'malformed_header');
  });
  it('rotation with two secrets', () => {
    expectOk(verify(p, ['a', SECRET], { headers: [['X-Hub-Signature', EXAMPLE]] }), 1);
  });
  it('detected only with an Intercom user agent', () => {
    expect(p.detect([['X-Hub-Signature', EXAMPLE]])).toBe(false);
    expect(p.detect([['X-Hub-Signature', EXAMPLE], ['User-Agent', 'Intercom-Webhooks/2']])).toBe(true);
  });
  it('eventInfo from the body', () => {
    expect(p.eventInfo([], Buffer.from('{"type":"notification_event","topic":"conversation.user.created","id":"notif_1"}'))).toEqual({
      eventType: 'conversation.user.created',
      eventId: 'notif_1',
    });
    expect(p.eventInfo([], BODY).eventType).toBeNull();
  });
});
