import { generateKeyPairSync } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, T, verify, withHeader } from './helpers.js';

const p = provider('standard-webhooks');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SIG = 'v1,2SjMc1a26iPPZV7GVdVFZUIYyM4NYPYS7c6QgsIDsjY=';
const example = (sig = SIG, ts = String(T)) =>
  [['webhook-id', ID], ['webhook-timestamp', ts], ['webhook-signature', sig]] as Array<[string, string]>;

/** An Ed25519 pair as whpk_/whsk_ strings (raw 32-byte keys, base64). */
function edPair(): { pk: string; sk: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return { pk: `whpk_${x.toString('base64')}`, sk: `whsk_${d.toString('base64')}` };
}

describe('standard-webhooks', () => {
  it('worked example', () => {
    expect(sign(p, SECRET, { headers: [['webhook-id', ID]] })).toEqual(example());
    expectOk(verify(p, SECRET, { headers: example() }));
  });
  it('the alias "standard" is the same provider', () => {
    expect(provider('standard').name).toBe('standard-webhooks');
  });
  commonCases({ name: 'standard-webhooks', secret: SECRET, other: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==', sigHeader: 'webhook-signature' });

  it('accepts the secret without whsec_ (raw base64)', () => {
    expectOk(verify(p, SECRET.slice(6), { headers: example() }));
  });
  it('generates a msg_ id when there is none, reuses it otherwise', () => {
    const id = headerValue(sign(p, SECRET), 'webhook-id');
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{20,}$/);
  });
  it('±300 s, timestamp checked before the signature', () => {
    expectOk(verify(p, SECRET, { headers: example(), now: T + 300 }));
    expectOk(verify(p, SECRET, { headers: example(), now: T - 300 }));
    expectFail(verify(p, SECRET, { headers: example(), now: T + 612 }), 'too_old', /by 612 s \(tolerance 300 s\)/);
    expectFail(verify(p, SECRET, { headers: example(), now: T - 612 }), 'too_new', /future by 612 s \(tolerance 300 s\)/);
    expectFail(verify(p, 'whsec_d3Jvbmd3cm9uZw==', { headers: example(), now: T + 612 }), 'too_old');
    expectOk(verify(p, SECRET, { headers: example(), now: T + 612, tolerance: 700 }));
  });
  it('missing headers, each named', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expectFail(verify(p, SECRET, { headers: example().filter(([k]) => k !== name) }), 'missing_header', new RegExp(name));
    }
  });
  it('malformed timestamp (non-integer, non-canonical)', () => {
    for (const ts of ['abc', '1700000000.5', '01700000000', '-1', ' 1700000000', '1e9']) {
      expectFail(verify(p, SECRET, { headers: example(SIG, ts) }), 'malformed_header', /webhook-timestamp/);
    }
  });
  it('several signatures: any v1 matches; unknown versions and comma-less entries are ignored', () => {
    const other = 'v1,' + Buffer.alloc(32).toString('base64');
    expectOk(verify(p, SECRET, { headers: example(`v2,abc nocomma ${other} ${SIG}`) }));
    expectFail(verify(p, SECRET, { headers: example(`v2,abc ${other}`) }), 'no_match', /none of 1|did not match/);
  });
  it('wrong scheme: no v1/v1a entry at all', () => {
    expectFail(verify(p, SECRET, { headers: example('v2,abc v3,def') }), 'wrong_scheme', /found: v2, v3/);
  });
  it('bad secret: not base64', () => {
    expectFail(verify(p, 'whsec_not base64!', { headers: example() }), 'bad_secret', /not valid base64/);
    expectFail(verify(p, 'whsec_', { headers: example() }), 'bad_secret');
    const r = verify(p, ['whsec_%%%%', SECRET], { headers: example() });
    expectOk(r, 1);
  });
  it('rotation: two secrets, two signatures', () => {
    const other = 'whsec_' + Buffer.from('another-secret-of-24-bytes!').toString('base64');
    const sigA = headerValue(sign(p, other, { headers: [['webhook-id', ID]] }), 'webhook-signature');
    const both = example(`${sigA} ${SIG}`);
    expectOk(verify(p, [other], { headers: both }));
    expectOk(verify(p, ['whsec_d3Jvbmd3cm9uZw==', SECRET], { headers: both }), 1);
  });
  it('v1a: Ed25519 signed with whsk_, verified with whpk_ (and raw base64 public key)', () => {
    const { pk, sk } = edPair();
    const h = sign(p, sk, { headers: [['webhook-id', ID]] });
    expect(headerValue(h, 'webhook-signature')).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expectOk(verify(p, pk, { headers: h }));
    expectOk(verify(p, pk.slice(5), { headers: h }));
    expectOk(verify(p, sk, { headers: h }));
    expectFail(verify(p, edPair().pk, { headers: h }), 'no_match');
    expectFail(verify(p, pk, { headers: h, body: Buffer.from('x') }), 'no_match');
    expectFail(verify(p, SECRET, { headers: h }), 'wrong_scheme', /v1a.*whpk_/);
    // mixed header: HMAC secret verifies the v1 entry, public key the v1a one
    const mixed = withHeader(h, 'webhook-signature', `${headerValue(h, 'webhook-signature')} ${SIG}`);
    expectOk(verify(p, SECRET, { headers: mixed }));
    expectOk(verify(p, [SECRET, pk], { headers: mixed }));
  });
  it('signing with a public key is refused', () => {
    expect(() => sign(p, edPair().pk)).toThrow(/public key/);
  });
  it('warns when a matching body is not JSON (the library would throw parsing it)', () => {
    const body = Buffer.from('plain text');
    const r = verify(p, SECRET, { body, headers: sign(p, SECRET, { body }) });
    expectOk(r);
    expect(r.warnings.join()).toMatch(/not JSON/);
  });
  it('eventInfo: webhook-id and body type', () => {
    expect(p.eventInfo(example(), Buffer.from('{"type":"user.created"}'))).toEqual({ eventType: 'user.created', eventId: ID });
  });
});

describe('standard-webhooks × standardwebhooks 1.1.1', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it('the library signs the worked example identically', () => {
    expect(new Webhook(SECRET).sign(ID, new Date(T * 1000), BODY.toString())).toBe(SIG);
  });
  it('our signature passes the library; its signature passes ours (current time)', () => {
    const wh = new Webhook(SECRET);
    for (const payload of [BODY.toString(), '{"x":"é😀"}', '']) {
      const body = Buffer.from(payload);
      const t = now();
      const h = sign(p, SECRET, { body, now: t, headers: [['webhook-id', 'msg_abc']] });
      const obj = Object.fromEntries(h);
      expect(() => wh.verify(body, obj)).not.toThrow();
      const theirs = wh.sign('msg_abc', new Date(t * 1000), payload);
      expectOk(verify(p, SECRET, { body, now: t, headers: [['webhook-id', 'msg_abc'], ['webhook-timestamp', String(t)], ['webhook-signature', theirs]] }));
    }
  });
  it('agrees with the library on old/new timestamps', () => {
    const wh = new Webhook(SECRET);
    for (const delta of [-400, -299, 299, 400]) {
      const t = now() + delta;
      const h = sign(p, SECRET, { now: t, headers: [['webhook-id', 'msg_abc']] });
      let sdkOk = true;
      try {
        wh.verify(BODY, Object.fromEntries(h));
      } catch {
        sdkOk = false;
      }
      expect(verify(p, SECRET, { headers: h, now: now() }).ok).toBe(sdkOk);
    }
  });
});
