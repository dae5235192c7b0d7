import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { hmac, safeEqual } from '../lib/crypto.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, toleranceOf } from '../lib/window.js';
import type { Provider, VerifyInput, VerifyResult } from '../types.js';

const HEADER = 'Paddle-Signature';
// @paddle/paddle-node-sdk: rejects when now > ts + 5 s; accepts any future ts.
const DEFAULT_TOLERANCE = 5;

const expected = (secret: string, ts: number, body: Buffer): string =>
  hmac('sha256', secret, `${ts}:`, body).toString('hex');

/** The SDK's parser: `;` then `=`; empty values skipped; for `ts` and `h1` the LAST one wins. */
function parse(value: string): { ts: string; h1: string; allH1: string[] } {
  let ts = '';
  let h1 = '';
  const allH1: string[] = [];
  for (const part of value.split(';')) {
    const [key, val] = part.split('=');
    if (!val) continue;
    if (key === 'ts') ts = val;
    else if (key === 'h1') {
      h1 = val;
      allH1.push(val);
    }
  }
  return { ts, h1, allH1 };
}

function verify(input: VerifyInput): VerifyResult {
  assertSecrets('paddle', input.secrets);
  const value = getHeader(input.headers, HEADER);
  if (value === undefined) return missingHeader(HEADER);
  const p = parse(value);
  if (!p.ts) return fail('malformed_header', `${HEADER} has no ts= timestamp (got ${preview(value)})`);
  if (!p.h1) return fail('malformed_header', `${HEADER} has no h1= signature (got ${preview(value)})`);
  const ts = Number.parseInt(p.ts, 10);
  if (Number.isNaN(ts)) return fail('malformed_header', `${HEADER} ts= is not a number (got ${preview(p.ts)})`);
  // The SDK checks the age before computing the HMAC.
  const tooOld = checkWindow(ts, input.now, toleranceOf(input.tolerance, DEFAULT_TOLERANCE), null);
  if (tooOld) return tooOld;
  let earlier = -1;
  for (let i = 0; i < input.secrets.length; i++) {
    const want = expected(input.secrets[i]!, ts, input.body);
    if (safeEqual(p.h1, want)) return ok(i);
    if (earlier < 0 && p.allH1.slice(0, -1).some((h) => safeEqual(h, want))) earlier = i;
  }
  if (earlier >= 0) {
    const note =
      'an earlier h1 matches, but @paddle/paddle-node-sdk only checks the last h1 (during secret rotation the SDK would reject this)';
    return fail('no_match', `the last h1 does not match; ${note}`, [note]);
  }
  return noMatch(1, input.secrets.length, [], p.allH1.length > 1 ? '; only the last h1 counts, as in the SDK' : '');
}

export const paddle: Provider = {
  name: 'paddle',
  detect: (headers) => hasHeader(headers, HEADER),
  verify,
  sign(input) {
    assertSecret('paddle', input.secret);
    const ts = Math.floor(input.now);
    return setHeader(input.headers, HEADER, `ts=${ts};h1=${expected(input.secret, ts, input.body)}`);
  },
  eventInfo(_headers, body) {
    const json = parseJson(body);
    return {
      eventType: textField(json, 'event_type'),
      eventId: textField(json, 'notification_id') ?? textField(json, 'event_id'),
    };
  },
};
