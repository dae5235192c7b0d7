import { UsageError } from '../../core/errors.js';
import { getHeader, setHeader } from '../../core/headers.js';
import type { HeaderList } from '../../core/types.js';
import type { SignInput, VerifyInput, VerifyResult } from '../types.js';
import { hmac, safeEqual, type HmacAlgorithm } from './crypto.js';
import { decodeHex } from './encoding.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok, type Failure } from './result.js';
import { preview } from './text.js';

/**
 * One signature header holding `prefix + encode(HMAC(secret, content))`: GitHub, Intercom, Shopify,
 * Typeform, Linear, Square and generic definitions are all this shape.
 */
export interface BodyHmacScheme {
  provider: string;
  /** Header name as documented (lookup is case-insensitive). */
  header: string;
  algorithm: HmacAlgorithm;
  encoding: 'hex' | 'base64';
  prefix: string;
  /**
   * `text`: compare the header text exactly, as the SDKs do (uppercase hex fails).
   * `bytes`: decode, then compare bytes (hex case-insensitive); several space-separated signatures allowed.
   */
  compare: 'text' | 'bytes';
  /** Set when the official SDK refuses an empty body: the reason shown. */
  emptyBodyReason?: string;
  /** What is signed; default the raw body. Returns a failure when the request lacks a part (URL, timestamp). */
  content?(input: VerifyInput | SignInput): Buffer[] | Failure;
}

function encode(scheme: BodyHmacScheme, mac: Buffer): string {
  return scheme.encoding === 'hex' ? mac.toString('hex') : mac.toString('base64');
}

function decode(scheme: BodyHmacScheme, text: string): Buffer | null {
  if (scheme.encoding === 'hex') return decodeHex(text);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return Buffer.from(text, 'base64');
}

function contentOf(scheme: BodyHmacScheme, input: VerifyInput | SignInput): Buffer[] | Failure {
  return scheme.content ? scheme.content(input) : [input.body];
}

export function verifyBodyHmac(scheme: BodyHmacScheme, input: VerifyInput): VerifyResult {
  assertSecrets(scheme.provider, input.secrets);
  const value = getHeader(input.headers, scheme.header);
  if (value === undefined) return missingHeader(scheme.header);
  if (value === '') return fail('malformed_header', `${scheme.header} is empty`);
  if (scheme.emptyBodyReason && input.body.length === 0) return fail('empty_body', scheme.emptyBodyReason);
  const content = contentOf(scheme, input);
  if (!Array.isArray(content)) return content;

  const candidates = scheme.compare === 'bytes' ? value.split(/\s+/).filter(Boolean) : [value];
  if (scheme.prefix && !candidates.some((c) => c.startsWith(scheme.prefix))) {
    return fail('malformed_header', `${scheme.header} should start with "${scheme.prefix}" (got ${preview(value)})`);
  }
  const decoded: Buffer[] = [];
  if (scheme.compare === 'bytes') {
    for (const c of candidates) {
      if (!c.startsWith(scheme.prefix)) continue;
      const bytes = decode(scheme, c.slice(scheme.prefix.length));
      if (bytes) decoded.push(bytes);
    }
    if (decoded.length === 0) {
      return fail('malformed_header', `${scheme.header} is not ${scheme.encoding} after the prefix (got ${preview(value)})`);
    }
  }

  let caseOnly = false;
  for (let i = 0; i < input.secrets.length; i++) {
    const mac = hmac(scheme.algorithm, input.secrets[i]!, ...content);
    if (scheme.compare === 'bytes') {
      if (decoded.some((d) => safeEqual(d, mac))) return ok(i);
      continue;
    }
    const expected = scheme.prefix + encode(scheme, mac);
    if (safeEqual(value, expected)) return ok(i);
    if (scheme.encoding === 'hex' && safeEqual(value.toLowerCase(), expected)) caseOnly = true;
  }
  if (caseOnly) {
    return fail('no_match', `${scheme.header} matches only when case is ignored: the signature must be lowercase hex`);
  }
  return noMatch(scheme.compare === 'bytes' ? decoded.length : 1, input.secrets.length);
}

/** Header value for `secret` (the caller puts it in the headers). */
export function bodyHmacValue(scheme: BodyHmacScheme, input: SignInput): string {
  const content = contentOf(scheme, input);
  if (!Array.isArray(content)) throw new UsageError(`${scheme.provider}: cannot sign: ${content.reason}`);
  return scheme.prefix + encode(scheme, hmac(scheme.algorithm, input.secret, ...content));
}

/** A provider's whole `sign`: the headers with this scheme's signature header set. */
export function signBodyHmac(scheme: BodyHmacScheme, input: SignInput): HeaderList {
  assertSecret(scheme.provider, input.secret);
  return setHeader(input.headers, scheme.header, bodyHmacValue(scheme, input));
}
