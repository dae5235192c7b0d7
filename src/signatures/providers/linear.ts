import { getHeader, hasHeader } from '../../core/headers.js';
import { signBodyHmac, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { parseJson, textField } from '../lib/json.js';
import { fail } from '../lib/result.js';
import { toleranceOf } from '../lib/window.js';
import type { Provider, VerifyInput, VerifyResult } from '../types.js';

const SCHEME: BodyHmacScheme = {
  provider: 'linear',
  header: 'Linear-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: '',
  compare: 'text',
};

const DEFAULT_TOLERANCE = 60;

/**
 * @linear/sdk order: signature first, then the signed body's `webhookTimestamp` (ms, a finite number)
 * within ±60 s of now. Any timestamp header is ignored.
 */
function verify(input: VerifyInput): VerifyResult {
  const sig = verifyBodyHmac(SCHEME, input);
  if (!sig.ok) return sig;
  let json: unknown;
  try {
    json = JSON.parse(input.body.toString('utf8'));
  } catch {
    return fail('bad_body', 'signature matches but the body is not JSON: @linear/sdk rejects it (it reads webhookTimestamp from the body)');
  }
  const ts = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).webhookTimestamp : undefined;
  if (ts === undefined || ts === null) return fail('missing_timestamp', 'signature matches but the body has no webhookTimestamp');
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return fail('missing_timestamp', 'signature matches but webhookTimestamp in the body is not a number (expected unix milliseconds)');
  }
  const tol = toleranceOf(input.tolerance, DEFAULT_TOLERANCE);
  if (tol !== null) {
    const diffMs = input.now * 1000 - ts;
    const by = `by ${Math.round(Math.abs(diffMs) / 1000)} s (tolerance ${Math.round(tol)} s; webhookTimestamp is in milliseconds)`;
    if (diffMs > tol * 1000) return fail('too_old', `timestamp too old ${by}`);
    if (-diffMs > tol * 1000) return fail('too_new', `timestamp in the future ${by}`);
  }
  return sig;
}

export const linear: Provider = {
  name: 'linear',
  detect: (headers) => hasHeader(headers, SCHEME.header),
  recognize: (headers) => hasHeader(headers, 'Linear-Event') || hasHeader(headers, 'Linear-Delivery'),
  verify,
  // The body must stay byte-exact, so its webhookTimestamp cannot be refreshed: we only sign it.
  sign: (input) => signBodyHmac(SCHEME, input),
  eventInfo(headers, body) {
    const json = parseJson(body);
    return {
      eventType: getHeader(headers, 'Linear-Event') ?? textField(json, 'type'),
      eventId: getHeader(headers, 'Linear-Delivery') ?? null,
    };
  },
};
