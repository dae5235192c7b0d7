import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

// DER headers of an Ed25519 SubjectPublicKeyInfo / PKCS#8 key: prefix + 32 raw bytes (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Public key from its 32 raw bytes; null when unusable. */
export function publicKeyFromRaw(raw: Buffer): KeyObject | null {
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/** Private key from a 32-byte seed, or a 64-byte libsodium/tweetnacl secret key (seed ‖ public key). */
export function privateKeyFromSeed(seed: Buffer): KeyObject | null {
  if (seed.length !== 32 && seed.length !== 64) return null;
  try {
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  }
}

/** A PKCS#8 private key in PEM or DER; null unless it is an Ed25519 key. */
export function privateKeyFromPkcs8(key: string | Buffer): KeyObject | null {
  try {
    const k =
      typeof key === 'string' ? createPrivateKey(key) : createPrivateKey({ key, format: 'der', type: 'pkcs8' });
    return k.asymmetricKeyType === 'ed25519' ? k : null;
  } catch {
    return null;
  }
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function edVerify(key: KeyObject, message: Buffer, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function edSign(key: KeyObject, message: Buffer): Buffer {
  return sign(null, message, key);
}
