import { verifyKey } from 'discord-interactions';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commonCases } from './common.js';
import { BODY, expectFail, expectOk, headerValue, provider, sign, T, verify } from './helpers.js';

const p = provider('discord');
const SEED = '01'.repeat(32);
const PUB = '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c';
const SIG =
  '5faeca70f4c7061d438cc57038d141f81930d1cde2f85b11423ef3cb77d903583185cbe39882d59ac7e3858e9c2c6cbee3028db152a423646cbd1007c3bb020a';
const example = (sig = SIG, ts = String(T)) => [['X-Signature-Timestamp', ts], ['X-Signature-Ed25519', sig]] as Array<[string, string]>;
const SEED2 = '02'.repeat(32);
const PUB2 = '8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394';

describe('discord', () => {
  it('worked example (deterministic Ed25519)', () => {
    expect(sign(p, SEED)).toEqual(example());
    expectOk(verify(p, PUB, { headers: example() }));
  });
  commonCases({ name: 'discord', secret: SEED, verifySecret: PUB, other: SEED2, otherVerifySecret: PUB2, sigHeader: 'X-Signature-Ed25519' });

  it('no age check (as discord-interactions), timestamp is signed', () => {
    expectOk(verify(p, PUB, { headers: example(), now: T + 10 ** 7 }));
    expectFail(verify(p, PUB, { headers: example(SIG, String(T + 1)) }), 'no_match');
  });
  it('uppercase hex is fine (the SDK parses hex leniently)', () => {
    expectOk(verify(p, PUB.toUpperCase(), { headers: example(SIG.toUpperCase()) }));
  });
  it('malformed: wrong length, empty, missing timestamp', () => {
    expectFail(verify(p, PUB, { headers: example(SIG.slice(2)) }), 'malformed_header', /64-byte/);
    expectFail(verify(p, PUB, { headers: example('') }), 'malformed_header');
    expectFail(verify(p, PUB, { headers: example(SIG, '') }), 'malformed_header');
    expectFail(verify(p, PUB, { headers: [['X-Signature-Ed25519', SIG]] }), 'missing_header', /Timestamp/);
  });
  it('bad secret: not a 64-hex public key', () => {
    expectFail(verify(p, 'not-a-key', { headers: example() }), 'bad_secret', /public key/);
  });
  it('rotation with two keys', () => {
    expectOk(verify(p, [PUB2, PUB], { headers: example() }), 1);
  });
  it('sign accepts a seed, a 128-hex secret key, PKCS#8 PEM or hex DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('hex');
    for (const secret of [seed, seed + pub, pem, der]) expectOk(verify(p, pub, { headers: sign(p, secret) }));
    expect(() => sign(p, 'zz')).toThrow(/private key/);
  });
  it('eventInfo: interaction type name and id', () => {
    expect(p.eventInfo([], Buffer.from('{"id":"123","type":2}'))).toEqual({ eventType: 'APPLICATION_COMMAND', eventId: '123' });
    expect(p.eventInfo([], Buffer.from('{"type":1,"event":{"type":"APPLICATION_AUTHORIZED"}}')).eventType).toBe('APPLICATION_AUTHORIZED');
  });
});

describe('discord × discord-interactions 4.4.0 verifyKey', () => {
  it('accepts ours; agrees on tampering and on the example', async () => {
    for (const body of [BODY, Buffer.from('{"type":1}'), Buffer.from('é😀')]) {
      const h = sign(p, SEED, { body, now: T + 7 });
      const sig = headerValue(h, 'X-Signature-Ed25519');
      const ts = headerValue(h, 'X-Signature-Timestamp');
      expect(await verifyKey(body, sig, ts, PUB)).toBe(true);
      expect(await verifyKey(Buffer.concat([body, Buffer.from(' ')]), sig, ts, PUB)).toBe(false);
    }
    expect(await verifyKey(BODY, SIG, String(T), PUB)).toBe(true);
    expect(await verifyKey(BODY, SIG.toUpperCase(), String(T), PUB)).toBe(true);
  });
});
