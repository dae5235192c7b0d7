import { verifyKey } from 'discord-interactions';
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { discordKeyProblem } from '../../../src/signatures/providers/discord.js';
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

/** A fresh Ed25519 keypair from node:crypto: the 64-hex public key and the 128-hex secret key (seed ‖ public key). */
function keypair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
  return { privateKey, pub, seed, secretKey: seed + pub };
}

const PORTAL = 'Discord Developer Portal → your app → General Information → Public Key';

describe('discord: a key in the wrong form says what it looks like (length only, never the key)', () => {
  it('a 128-hex Ed25519 secret key (seed + public key) is named as one', () => {
    for (const secretKey of [SEED + PUB, keypair().secretKey, keypair().secretKey.toUpperCase()]) {
      const problem = discordKeyProblem(secretKey)!;
      expect(problem).toBe(
        "this looks like an Ed25519 secret key (64 bytes: seed + public key, its second half); Discord's public key is 32 bytes (64 hex characters): " +
          PORTAL,
      );
    }
  });

  it('128 hex characters that are no keypair (a signature pasted, say): 64 bytes, not a public key', () => {
    expect(discordKeyProblem(SIG)).toBe(
      "got 128 hex characters (64 bytes, the size of an Ed25519 secret key or signature, not of a public key); Discord's public key is 32 bytes (64 hex characters): " +
        PORTAL,
    );
    // A seed followed by another key's public half is no keypair either.
    expect(discordKeyProblem(SEED + PUB2)).toMatch(/^got 128 hex characters \(64 bytes/);
  });

  it('other lengths and forms: the length and what kind of characters, then where the key is', () => {
    expect(discordKeyProblem('abcdef0123')).toBe(`the Discord secret must be the application's public key, 64 hex characters (got 10 hex characters): ${PORTAL}`);
    expect(discordKeyProblem('not-a-key')).toMatch(/\(got 9 characters, not all hex\): Discord Developer Portal/);
    expect(discordKeyProblem(`${PUB}\n`)).toMatch(/\(got 65 characters, with white space around them\)/);
    expect(discordKeyProblem(SEED + PUB + '00')).toMatch(/\(got 130 hex characters\)/);
    expect(discordKeyProblem(PUB)).toBeNull();
    expect(discordKeyProblem(PUB.toUpperCase())).toBeNull();
    expect(p.secretProblem).toBe(discordKeyProblem);
  });

  it('no message carries the key or any part of it', () => {
    const k = keypair();
    for (const secret of [k.secretKey, k.seed + PUB2, `${k.seed}zz`]) {
      const problem = discordKeyProblem(secret)!;
      for (const part of [secret, k.seed, k.pub, k.seed.slice(0, 8), k.pub.slice(-8)]) expect(problem).not.toContain(part);
      const verdict = verify(p, secret, { headers: example() });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) for (const part of [k.seed, k.pub, k.seed.slice(0, 8), k.pub.slice(-8)]) expect(verdict.reason).not.toContain(part);
    }
  });

  it('verify: bad_secret with the reason; with several secrets each bad one is named by position', () => {
    const k = keypair();
    expectFail(verify(p, k.secretKey, { headers: example() }), 'bad_secret', /^this looks like an Ed25519 secret key .*: Discord Developer Portal/);
    expectFail(verify(p, [k.secretKey, 'abc'], { headers: example() }), 'bad_secret',
      /^secret 1 of 2: this looks like an Ed25519 secret key .*; secret 2 of 2: the Discord secret must be .*\(got 3 hex characters\): Discord Developer Portal/);
    // One good key among them: it is used, and a miss says which secret was ignored and why.
    expectOk(verify(p, [k.secretKey, PUB], { headers: example() }), 1);
    expectFail(verify(p, [k.secretKey, PUB2], { headers: example() }), 'no_match', /tried 1 secret; ignored secret 1 of 2: this looks like an Ed25519 secret key/);
  });
});

describe('discord: the secret key can never verify, by discord-interactions 4.4.0 verifyKey (the oracle)', () => {
  it("a request signed by a keypair: the SDK accepts it with the public key and never with the 128-hex secret key; hookdev's verdicts agree", async () => {
    for (let i = 0; i < 3; i++) {
      const k = keypair();
      const body = Buffer.from(`{"type":1,"id":"${i}"}`);
      const ts = String(T + i);
      // Signed by node:crypto directly: no hookdev code between the key and the signature.
      const sig = edSign(null, Buffer.concat([Buffer.from(ts), body]), k.privateKey).toString('hex');
      const headers = example(sig, ts);
      expect(await verifyKey(body, sig, ts, k.pub)).toBe(true);
      expectOk(verify(p, k.pub, { body, headers }));
      expect(await verifyKey(body, sig, ts, k.secretKey)).toBe(false);
      expect(await verifyKey(body, sig, ts, k.secretKey.toUpperCase())).toBe(false);
      expectFail(verify(p, k.secretKey, { body, headers }), 'bad_secret', /looks like an Ed25519 secret key/);
      // The key's second half is the public key the SDK accepts, as the message says.
      expect(await verifyKey(body, sig, ts, k.secretKey.slice(64))).toBe(true);
    }
  });
});
