import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { hmac, safeEqual } from '../lib/crypto.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, futureWarning, toleranceOf } from '../lib/window.js';
import type { Provider, VerifyInput, VerifyResult } from '../types.js';

const SIG = 'X-Slack-Signature';
const TS = 'X-Slack-Request-Timestamp';
const DEFAULT_TOLERANCE = 300;

const expected = (secret: string, ts: number, body: Buffer): string =>
  hmac('sha256', secret, `v0:${ts}:`, body).toString('hex');

/**
 * @slack/bolt's verifySlackRequest: the timestamp goes through Number() and is re-printed in the signed
 * string; stale (> 5 min old) is checked before the signature; the future is accepted; version must be v0.
 */
function verify(input: VerifyInput): VerifyResult {
  assertSecrets('slack', input.secrets);
  const sigValue = getHeader(input.headers, SIG);
  const tsValue = getHeader(input.headers, TS);
  if (tsValue === undefined) return missingHeader(TS);
  if (sigValue === undefined) return missingHeader(SIG);
  const ts = Number(tsValue);
  if (tsValue.trim() === '' || !Number.isFinite(ts)) {
    return fail('malformed_header', `${TS} is not a unix timestamp (got ${preview(tsValue)})`);
  }
  const tol = toleranceOf(input.tolerance, DEFAULT_TOLERANCE);
  const stale = checkWindow(ts, input.now, tol, null);
  if (stale) return stale;
  const [version, hash] = sigValue.split('=');
  if (version !== 'v0') return fail('wrong_scheme', `${SIG} version is ${preview(version ?? '')}, expected v0`);
  if (!hash) return fail('malformed_header', `${SIG} has no hash after v0=`);
  for (let i = 0; i < input.secrets.length; i++) {
    if (safeEqual(hash, expected(input.secrets[i]!, ts, input.body))) {
      return ok(i, futureWarning(ts, input.now, tol, '@slack/bolt'));
    }
  }
  return noMatch(1, input.secrets.length);
}

/** Slash commands and interactivity are form-encoded; the Events API is JSON. */
function eventInfo(body: Buffer) {
  const json = parseJson(body);
  if (json !== undefined) return { eventType: textField(json, 'type'), eventId: textField(json, 'event_id') };
  const form = new URLSearchParams(body.toString('utf8'));
  const command = form.get('command');
  if (command) return { eventType: command, eventId: null };
  const payload = form.get('payload');
  const inner = payload ? parseJson(Buffer.from(payload, 'utf8')) : undefined;
  return { eventType: textField(inner, 'type'), eventId: null };
}

export const slack: Provider = {
  name: 'slack',
  detect: (headers) => hasHeader(headers, SIG),
  verify,
  sign(input) {
    assertSecret('slack', input.secret);
    const ts = Math.floor(input.now);
    const headers = setHeader(input.headers, TS, String(ts));
    return setHeader(headers, SIG, `v0=${expected(input.secret, ts, input.body)}`);
  },
  eventInfo: (_headers, body) => eventInfo(body),
};
