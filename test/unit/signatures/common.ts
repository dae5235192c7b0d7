import { expect, it } from 'vitest';
import type { Req } from './helpers.js';
import { expectFail, expectOk, provider, sign, tamper, verify, without } from './helpers.js';

export interface CommonOptions {
  name: string;
  /** Secret used to sign, and the one given to verify (differs for Ed25519 schemes). */
  secret: string;
  verifySecret?: string;
  other: string;
  otherVerifySecret?: string;
  req?: Req;
  /** Signature header(s): removing the first must give missing_header. */
  sigHeader: string;
  /** False for GitLab: its token does not cover the body. */
  bodySigned?: boolean;
}

/** Cases every provider must pass: round trip, tampered body, wrong secret, missing header, secret rotation. */
export function commonCases(o: CommonOptions): void {
  const p = provider(o.name);
  const vs = o.verifySecret ?? o.secret;
  const ovs = o.otherVerifySecret ?? o.other;
  const req = o.req ?? {};
  const signed = () => sign(p, o.secret, req);

  it('sign → verify round trip', () => {
    expectOk(verify(p, vs, { ...req, headers: signed() }));
  });
  if (o.bodySigned !== false) {
    it('rejects a tampered body', () => {
      expectFail(verify(p, vs, { ...req, body: tamper(req.body ?? Buffer.from('{"id":"evt_123","amount":1000}')), headers: signed() }), 'no_match');
    });
  }
  it('rejects the wrong secret', () => {
    expectFail(verify(p, ovs, { ...req, headers: signed() }), 'no_match');
  });
  it(`reports a missing ${o.sigHeader}`, () => {
    expectFail(verify(p, vs, { ...req, headers: without(signed(), o.sigHeader) }), 'missing_header', new RegExp(o.sigHeader, 'i'));
  });
  it('accepts any of several secrets (rotation) and says which matched', () => {
    expectOk(verify(p, [ovs, vs], { ...req, headers: signed() }), 1);
    expectOk(verify(p, [vs, ovs], { ...req, headers: signed() }), 0);
  });
  it('keeps unrelated headers and their order; replaces an existing signature header', () => {
    const base = [['Content-Type', 'application/json'], [o.sigHeader.toUpperCase(), 'stale'], ['X-Other', '1']] as Array<[string, string]>;
    const h = sign(p, o.secret, { ...req, headers: [...(req.headers ?? []), ...base] });
    const names = h.map(([k]) => k.toLowerCase());
    expect(names.filter((n) => n === o.sigHeader.toLowerCase())).toHaveLength(1);
    expect(names.indexOf('content-type')).toBeLessThan(names.indexOf(o.sigHeader.toLowerCase()));
    expect(names.indexOf(o.sigHeader.toLowerCase())).toBeLessThan(names.indexOf('x-other'));
    expectOk(verify(p, vs, { ...req, headers: h }));
  });
}
