import type { VerifyFailureCode, VerifyResult } from '../types.js';
import { plural } from './text.js';

export type Failure = Extract<VerifyResult, { ok: false }>;

export function ok(secretIndex: number, warnings: string[] = []): VerifyResult {
  return { ok: true, secretIndex, warnings };
}

export function fail(code: VerifyFailureCode, reason: string, warnings: string[] = []): Failure {
  return { ok: false, code, reason, warnings };
}

export function missingHeader(name: string, warnings: string[] = []): Failure {
  return fail('missing_header', `missing ${name} header`, warnings);
}

/** The usual "nothing matched" line, saying how much was tried. */
export function noMatch(signatures: number, secrets: number, warnings: string[] = [], extra = ''): Failure {
  const what = signatures === 1 ? 'the signature did not match' : `none of ${signatures} signatures matched`;
  return fail('no_match', `${what} (tried ${plural(secrets, 'secret')}${extra})`, warnings);
}

/** Our own misuse (design: misuse throws, bad input returns). */
export function assertSecrets(provider: string, secrets: readonly string[]): void {
  if (!Array.isArray(secrets) || secrets.length === 0) throw new TypeError(`${provider}: verify needs at least one secret`);
  for (const s of secrets) {
    if (typeof s !== 'string' || s === '') throw new TypeError(`${provider}: a secret must be a non-empty string`);
  }
}

export function assertSecret(provider: string, secret: string): void {
  if (typeof secret !== 'string' || secret === '') throw new TypeError(`${provider}: sign needs a non-empty secret`);
}
