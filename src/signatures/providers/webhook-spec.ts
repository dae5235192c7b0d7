/**
 * Standard Webhooks (`webhook-*`) and Svix (`svix-*`, a thin wrapper over the same library) share this core:
 * `{id}.{ts}.{body}`, a space-separated list of `version,base64` signatures, ±300 s checked before the
 * signature. v1 = HMAC-SHA256 keyed with base64-decode(secret minus `whsec_`); v1a = Ed25519 (`whpk_`/`whsk_`).
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { maskSecret } from '../../core/secrets.js';
import { getHeader, setHeader } from '../../core/headers.js';
import type { HeaderList } from '../../core/types.js';
import { hmac, safeEqual } from '../lib/crypto.js';
import { edSign, edVerify, privateKeyFromSeed, publicKeyFromRaw, rawPublicKey } from '../lib/ed25519.js';
import { decodeBase64Strict } from '../lib/encoding.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, toleranceOf } from '../lib/window.js';
import type { SignInput, VerifyInput, VerifyResult } from '../types.js';

const DEFAULT_TOLERANCE = 300;

/** What one configured secret is, once its prefix is read. */
type Key =
  | { kind: 'hmac'; key: Buffer }
  | { kind: 'public'; key: KeyObject }
  | { kind: 'private'; key: KeyObject; publicKey: KeyObject }
  | { kind: 'bad'; problem: string };

/** Raw base64 without a prefix is an HMAC key, as in the reference library (verify also tries it as a v1a key). */
function parseKey(secret: string): Key {
  const m = /^(whsec_|whpk_|whsk_)?(.*)$/s.exec(secret)!;
  const prefix = m[1] ?? '';
  const bytes = decodeBase64Strict(m[2]!);
  if (bytes === null) return { kind: 'bad', problem: `secret ${maskSecret(secret)} is not valid base64${prefix ? ` after ${prefix}` : ''}` };
  if (bytes.length === 0) return { kind: 'bad', problem: `secret ${maskSecret(secret)} is empty after ${prefix}` };
  if (prefix === 'whpk_') {
    const key = publicKeyFromRaw(bytes);
    return key ? { kind: 'public', key } : { kind: 'bad', problem: `whpk_ key ${maskSecret(secret)} is not a 32-byte Ed25519 public key` };
  }
  if (prefix === 'whsk_') {
    const key = privateKeyFromSeed(bytes);
    if (!key) return { kind: 'bad', problem: `whsk_ key ${maskSecret(secret)} is not a 32- or 64-byte Ed25519 secret key` };
    return { kind: 'private', key, publicKey: publicKeyFromRaw(rawPublicKey(key))! };
  }
  return { kind: 'hmac', key: bytes };
}

export interface SpecHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

export const WEBHOOK_HEADERS: SpecHeaders = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' };
export const SVIX_HEADERS: SpecHeaders = { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' };

/** The three values, each from the first header set that has it (svix SDK: `svix-x ?? webhook-x`). */
function readHeaders(headers: HeaderList, sets: SpecHeaders[]): { values: Partial<SpecHeaders>; names: SpecHeaders } {
  const values: Partial<SpecHeaders> = {};
  const names = { ...sets[0]! };
  for (const field of ['id', 'timestamp', 'signature'] as const) {
    for (const set of sets) {
      const v = getHeader(headers, set[field]);
      if (v !== undefined) {
        values[field] = v;
        names[field] = set[field];
        break;
      }
    }
  }
  return { values, names };
}

function signedContent(id: string, ts: string, body: Buffer): Buffer[] {
  return [Buffer.from(`${id}.${ts}.`, 'utf8'), body];
}

export function verifySpec(provider: string, sets: SpecHeaders[], input: VerifyInput): VerifyResult {
  assertSecrets(provider, input.secrets);
  const { values, names } = readHeaders(input.headers, sets);
  // The SDK treats an empty value as missing.
  for (const field of ['id', 'timestamp', 'signature'] as const) if (!values[field]) return missingHeader(names[field]);
  const { id, timestamp, signature } = values as SpecHeaders;
  // The library parseInt()s and re-prints the timestamp, so it would accept " 1700000000," too; senders only
  // send canonical digits and signatures.md asks us to reject anything else (a deliberate, noted deviation).
  if (!/^(0|[1-9]\d{0,14})$/.test(timestamp)) {
    const lenient = Number.parseInt(timestamp, 10);
    const note = Number.isNaN(lenient) ? '' : `; the JS library would read it as ${lenient}`;
    return fail('malformed_header', `${names.timestamp} is not a canonical integer unix timestamp (got ${preview(timestamp)}${note})`);
  }
  const tol = toleranceOf(input.tolerance, DEFAULT_TOLERANCE);
  const outside = checkWindow(Number(timestamp), input.now, tol, tol);
  if (outside) return outside;

  const entries = signature.split(' ').map((e) => e.split(','));
  const v1 = entries.filter((e) => e[0] === 'v1').map((e) => e[1] ?? '');
  const v1a = entries.filter((e) => e[0] === 'v1a').map((e) => decodeBase64Strict(e[1] ?? '')).filter((b): b is Buffer => b !== null);
  const keys = input.secrets.map(parseKey);
  const content = signedContent(id, timestamp, input.body);
  const message = Buffer.concat(content);
  let tried = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.kind === 'hmac') {
      if (v1.length > 0) {
        tried++;
        const want = hmac('sha256', k.key, ...content).toString('base64');
        if (v1.some((s) => safeEqual(s, want))) return ok(i, jsonWarning(provider, input.body));
      }
      // Unprefixed base64 of 32 bytes may be a raw public key: try it on v1a entries too.
      const pub = v1a.length && !input.secrets[i]!.startsWith('whsec_') ? publicKeyFromRaw(k.key) : null;
      if (pub) {
        if (v1.length === 0) tried++;
        if (v1a.some((s) => edVerify(pub, message, s))) return ok(i, jsonWarning(provider, input.body));
      }
    } else if (k.kind === 'public' || k.kind === 'private') {
      if (v1a.length === 0) continue;
      tried++;
      const pub = k.kind === 'public' ? k.key : k.publicKey;
      if (v1a.some((s) => edVerify(pub, message, s))) return ok(i, jsonWarning(provider, input.body));
    }
  }
  const bad = keys.filter((k): k is Extract<Key, { kind: 'bad' }> => k.kind === 'bad');
  if (bad.length === keys.length) return fail('bad_secret', bad.map((b) => b.problem).join('; '));
  if (tried === 0) return wrongScheme(names.signature, signature, v1.length, v1a.length, keys);
  const note = bad.length ? `; ignored ${bad.map((b) => b.problem).join('; ')}` : '';
  return noMatch(v1.length + v1a.length, tried, [], note);
}

function wrongScheme(header: string, value: string, v1: number, v1a: number, keys: Key[]) {
  if (v1 === 0 && v1a === 0) {
    const versions = [...new Set(value.split(' ').map((e) => e.split(',')[0]).filter(Boolean))];
    return fail('wrong_scheme', `${header} has no v1 or v1a signature (found: ${versions.join(', ') || preview(value)})`);
  }
  if (v1 === 0) return fail('wrong_scheme', `${header} has only v1a (Ed25519) signatures; configure the whpk_ public key`);
  const hasHmac = keys.some((k) => k.kind === 'hmac');
  return fail('wrong_scheme', hasHmac ? `${header} has only v1a signatures` : `${header} has only v1 (HMAC) signatures; configure the whsec_ secret`);
}

/** The SDKs JSON.parse the body after a match by default: a non-JSON body would throw there. */
function jsonWarning(provider: string, body: Buffer): string[] {
  if (body.length === 0) return [];
  try {
    JSON.parse(body.toString('utf8'));
    return [];
  } catch {
    const sdk = provider === 'svix' ? 'the svix SDK' : 'the standardwebhooks library (unless jsonParse: false)';
    return [`body is not JSON: ${sdk} parses it after the signature matches and would throw`];
  }
}

/** A fresh message id in the `msg_…` shape senders use. */
function newMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/** Sign with `whsec_`/raw base64 (v1) or `whsk_` (v1a); keeps an existing message id. */
export function signSpec(provider: string, set: SpecHeaders, sets: SpecHeaders[], input: SignInput): HeaderList {
  assertSecret(provider, input.secret);
  const key = parseKey(input.secret);
  if (key.kind === 'bad') throw new UsageError(`${provider}: cannot sign: ${key.problem}`);
  if (key.kind === 'public') throw new UsageError(`${provider}: cannot sign with a whpk_ public key; use the whsk_ secret key`);
  const id = readHeaders(input.headers, sets).values.id || newMessageId();
  const ts = String(Math.floor(input.now));
  const content = signedContent(id, ts, input.body);
  const sig =
    key.kind === 'hmac'
      ? `v1,${hmac('sha256', key.key, ...content).toString('base64')}`
      : `v1a,${edSign(key.key, Buffer.concat(content)).toString('base64')}`;
  let headers = setHeader(input.headers, set.id, id);
  headers = setHeader(headers, set.timestamp, ts);
  return setHeader(headers, set.signature, sig);
}

/** Why a configured secret cannot verify (not base64, wrong key size), or null. */
export function specSecretProblem(secret: string): string | null {
  const k = parseKey(secret);
  return k.kind === 'bad' ? k.problem : null;
}

/** `whsec_` + base64: the secret string whose key is exactly these bytes. */
export function secretForKey(key: Buffer): string | null {
  return key.length ? `whsec_${key.toString('base64')}` : null;
}
