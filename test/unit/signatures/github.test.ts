import { sign as octoSign, verify as octoVerify } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, provider, sign, verify } from './helpers.js';

const p = provider('github');
const SECRET = "It's a Secret to Everybody";
const HELLO = Buffer.from('Hello, World!');
const SHA256 = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const SHA1 = 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59';

describe('github', () => {
  it("worked example (GitHub's test vector), both headers", () => {
    expect(sign(p, SECRET, { body: HELLO })).toEqual([['X-Hub-Signature-256', SHA256]]);
    expect(sign(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature', 'old']] })).toEqual([
      ['X-Hub-Signature', SHA1],
      ['X-Hub-Signature-256', SHA256],
    ]);
    expectOk(verify(p, SECRET, { body: HELLO, headers: [['x-hub-signature-256', SHA256]] }));
    expectOk(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature', SHA1]] }));
  });
  commonCases({ name: 'github', secret: SECRET, other: 'other secret', sigHeader: 'X-Hub-Signature-256' });

  it('prefers SHA-256 and never falls back to SHA-1 when it fails', () => {
    const bad256 = `sha256=${'0'.repeat(64)}`;
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature', SHA1], ['X-Hub-Signature-256', bad256]] }), 'no_match');
  });
  it('rejects an empty body (octokit does)', () => {
    const h = [['X-Hub-Signature-256', `sha256=${createHmac('sha256', SECRET).digest('hex')}`]] as Array<[string, string]>;
    expectFail(verify(p, SECRET, { body: Buffer.alloc(0), headers: h }), 'empty_body');
  });
  it('malformed: empty, wrong prefix', () => {
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature-256', '']] }), 'malformed_header', /empty/);
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature-256', SHA256.slice(7)]] }), 'malformed_header', /sha256=/);
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature-256', SHA1]] }), 'malformed_header');
  });
  it('rejects uppercase hex and an uppercase prefix', () => {
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature-256', `sha256=${SHA256.slice(7).toUpperCase()}`]] }), 'no_match', /lowercase/);
    expectFail(verify(p, SECRET, { body: HELLO, headers: [['X-Hub-Signature-256', `SHA256=${SHA256.slice(7)}`]] }), 'malformed_header');
  });
  it('rotation: two secrets (GitHub sends one signature; the first header occurrence counts)', () => {
    expectOk(verify(p, ['nope', SECRET], { body: HELLO, headers: [['X-Hub-Signature-256', SHA256], ['X-Hub-Signature-256', 'sha256=00']] }), 1);
  });
  it('eventInfo from headers', () => {
    expect(p.eventInfo([['X-GitHub-Event', 'push'], ['X-GitHub-Delivery', 'abc-1']], BODY)).toEqual({ eventType: 'push', eventId: 'abc-1' });
  });
  it('detect: -256, or the legacy header without an Intercom user agent', () => {
    expect(p.detect([['X-Hub-Signature-256', 'x']])).toBe(true);
    expect(p.detect([['X-Hub-Signature', 'x']])).toBe(true);
    expect(p.detect([['X-Hub-Signature', 'x'], ['User-Agent', 'intercom-webhooks/1.0']])).toBe(false);
  });
});

describe('github × @octokit/webhooks-methods 6.0.0', () => {
  const payloads = ['Hello, World!', BODY.toString(), '{"emoji":"😀","nl":"\\n"}\r\n'];
  it('sign output matches and verifies both ways', async () => {
    for (const payload of payloads) {
      const theirs = await octoSign(SECRET, payload);
      const ours = sign(p, SECRET, { body: Buffer.from(payload) })[0]![1];
      expect(ours).toBe(theirs);
      expect(await octoVerify(SECRET, payload, ours)).toBe(true);
      expectOk(verify(p, SECRET, { body: Buffer.from(payload), headers: [['X-Hub-Signature-256', theirs]] }));
      expect(await octoVerify('wrong', payload, ours)).toBe(false);
    }
  });
});
