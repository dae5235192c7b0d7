import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type Bytes = Buffer | string;

// Diagnosis tries keys that are not valid UTF-8 (e.g. a base64-decoded whsec_ secret) through providers that
// take secret strings; this marker carries such bytes. No configured secret starts with a NUL character.
const RAW_KEY = '\u0000raw-key:';

/** A secret string standing for arbitrary key bytes (diagnosis only). */
export function rawKeySecret(key: Buffer): string {
  return RAW_KEY + key.toString('hex');
}

function keyBytes(key: Bytes): Bytes {
  return typeof key === 'string' && key.startsWith(RAW_KEY) ? Buffer.from(key.slice(RAW_KEY.length), 'hex') : key;
}

/** HMAC of the concatenated parts (strings are UTF-8), fed piecewise so a large body is never copied. */
export function hmac(algorithm: HmacAlgorithm, key: Bytes, ...parts: Bytes[]): Buffer {
  const h = createHmac(algorithm, keyBytes(key));
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256Hex(data: Bytes): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time equality; a length mismatch is simply "not equal" (lengths are not secret here). */
export function safeEqual(a: Bytes, b: Bytes): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
