import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { hmac, safeEqual } from '../lib/crypto.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, toleranceOf } from '../lib/window.js';
import type { Provider, VerifyInput, VerifyResult } from '../types.js';

const SIG = 'x-zm-signature';
const TS = 'x-zm-request-timestamp';
// Zoom states no window and has no official verifier; 300 s both ways, like most providers.
const DEFAULT_TOLERANCE = 300;

const expected = (secret: string, ts: string, body: Buffer): string =>
  hmac('sha256', secret, `v0:${ts}:`, body).toString('hex');

function verify(input: VerifyInput): VerifyResult {
  assertSecrets('zoom', input.secrets);
  const sig = getHeader(input.headers, SIG);
  const ts = getHeader(input.headers, TS);
  if (sig === undefined) return missingHeader(SIG);
  if (ts === undefined) return missingHeader(TS);
  if (!/^\d{1,15}$/.test(ts)) return fail('malformed_header', `${TS} is not a unix timestamp (got ${preview(ts)})`);
  const tol = toleranceOf(input.tolerance, DEFAULT_TOLERANCE);
  const outside = checkWindow(Number(ts), input.now, tol, tol);
  if (outside) return outside;
  if (!sig.startsWith('v0=')) return fail('wrong_scheme', `${SIG} should start with v0= (got ${preview(sig)})`);
  const hash = sig.slice(3);
  for (let i = 0; i < input.secrets.length; i++) {
    if (safeEqual(hash, expected(input.secrets[i]!, ts, input.body))) return ok(i);
  }
  return noMatch(1, input.secrets.length);
}

export const zoom: Provider = {
  name: 'zoom',
  detect: (headers) => hasHeader(headers, SIG),
  verify,
  sign(input) {
    assertSecret('zoom', input.secret);
    const ts = String(Math.floor(input.now));
    const headers = setHeader(input.headers, TS, ts);
    return setHeader(headers, SIG, `v0=${expected(input.secret, ts, input.body)}`);
  },
  eventInfo(headers, body) {
    const json = parseJson(body);
    return {
      eventType: textField(json, 'event'),
      eventId: textField(json, 'event_ts') ?? getHeader(headers, 'x-zm-trackingid') ?? null,
    };
  },
};

/** The answer to Zoom's `endpoint.url_validation` handshake: hex HMAC-SHA256 of plainToken. */
export function zoomEncryptedToken(secret: string, plainToken: string): string {
  return hmac('sha256', secret, plainToken).toString('hex');
}
