import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { hmac, safeEqual } from '../lib/crypto.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, futureWarning, toleranceOf } from '../lib/window.js';
import type { Provider, SignInput, VerifyInput, VerifyResult } from '../types.js';

const HEADER = 'Stripe-Signature';
const DEFAULT_TOLERANCE = 300;

interface Parsed {
  timestamp: number | undefined;
  signatures: string[];
  otherSchemes: Set<string>;
}

/** stripe-node's parser: split on `,` then `=`, no trimming; the last `t` wins; every `v1` is a candidate. */
function parse(value: string): Parsed {
  const out: Parsed = { timestamp: undefined, signatures: [], otherSchemes: new Set() };
  for (const item of value.split(',')) {
    const kv = item.split('=');
    if (kv[0] === 't') out.timestamp = Number.parseInt(kv[1] ?? '', 10);
    else if (kv[0] === 'v1') out.signatures.push(kv[1] ?? '');
    else if (/^v\d+$/.test(kv[0] ?? '')) out.otherSchemes.add(kv[0]!);
  }
  return out;
}

const expected = (secret: string, ts: number, body: Buffer): string =>
  hmac('sha256', secret, `${ts}.`, body).toString('hex');

function verify(input: VerifyInput): VerifyResult {
  assertSecrets('stripe', input.secrets);
  const value = getHeader(input.headers, HEADER);
  if (value === undefined) return missingHeader(HEADER);
  if (value === '') return fail('malformed_header', `${HEADER} is empty`);
  const p = parse(value);
  // stripe-node treats a missing t (and t=-1) as unparseable; we also refuse a non-numeric t, which it would
  // sign as "NaN." — no real sender does that.
  if (p.timestamp === undefined || p.timestamp === -1) {
    return fail('malformed_header', `${HEADER} has no t= timestamp (got ${preview(value)})`);
  }
  if (Number.isNaN(p.timestamp)) return fail('malformed_header', `${HEADER} t= is not a number (got ${preview(value)})`);
  const ts = p.timestamp;
  if (p.signatures.length === 0) {
    const found = p.otherSchemes.size ? ` (found only ${[...p.otherSchemes].join(', ')})` : '';
    return fail('wrong_scheme', `${HEADER} has no v1= signature${found}; v0 is a test-mode legacy scheme`);
  }
  // stripe-node checks the signature before the age.
  let match = -1;
  let caseOnly = false;
  for (let i = 0; i < input.secrets.length && match < 0; i++) {
    const want = expected(input.secrets[i]!, ts, input.body);
    if (p.signatures.some((s) => safeEqual(s, want))) match = i;
    else if (p.signatures.some((s) => safeEqual(s.toLowerCase(), want))) caseOnly = true;
  }
  if (match < 0) {
    if (caseOnly) return fail('no_match', 'v1 matches only when case is ignored: stripe-node rejects uppercase hex');
    return noMatch(p.signatures.length, input.secrets.length);
  }
  const tol = toleranceOf(input.tolerance, DEFAULT_TOLERANCE);
  const tooOld = checkWindow(ts, input.now, tol, null);
  if (tooOld) return tooOld;
  return ok(match, futureWarning(ts, input.now, tol, 'stripe-node'));
}

function sign(input: SignInput) {
  assertSecret('stripe', input.secret);
  const ts = Math.floor(input.now);
  return setHeader(input.headers, HEADER, `t=${ts},v1=${expected(input.secret, ts, input.body)}`);
}

export const stripe: Provider = {
  name: 'stripe',
  detect: (headers) => hasHeader(headers, HEADER),
  recognize: (headers) => /^Stripe\//.test(getHeader(headers, 'User-Agent') ?? ''),
  verify,
  sign,
  eventInfo(_headers, body) {
    const json = parseJson(body);
    return { eventType: textField(json, 'type'), eventId: textField(json, 'id') };
  },
};
