import { parse as parseQuery, stringify as stringifyQuery, type ParsedUrlQuery } from 'node:querystring';
import { UsageError } from '../../core/errors.js';
import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import type { HeaderList } from '../../core/types.js';
import { hmac, safeEqual, sha256Hex } from '../lib/crypto.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import { preview } from '../lib/text.js';
import type { Provider, SignInput, VerifyInput, VerifyResult } from '../types.js';

const SIG = 'X-Twilio-Signature';
const SETTINGS = 'X-Twilio-Webhooks-Signature-Settings';

type Hash = 'sha1' | 'sha256';

/** twilio-node getSignatureAlgorithm + toHashName: no header / no algorithm = HMAC_SHA1 (Auth Token). */
function algorithmOf(headers: HeaderList): { hash: Hash } | { unsupported: string } {
  let algorithm = '';
  for (const part of (getHeader(headers, SETTINGS) ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === 'algorithm' && part.slice(eq + 1).trim()) {
      algorithm = part.slice(eq + 1).trim();
      break;
    }
  }
  const upper = algorithm.toUpperCase();
  if (upper === '' || upper === 'HMAC_SHA1') return { hash: 'sha1' };
  if (upper === 'HMAC_SHA256') return { hash: 'sha256' };
  return { unsupported: algorithm };
}

// URL handling as twilio-node does it: split without normalising (new URL() would re-encode characters).
const URL_HEAD = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

function splitUrl(url: string) {
  const m = URL_HEAD.exec(url);
  if (!m) return null;
  const [prefix, scheme, authority] = m as unknown as [string, string, string];
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1); // IPv6 literals hold colons
  return {
    scheme,
    userInfo: authority.slice(0, at + 1),
    host: colon === -1 ? hostPort : hostPort.slice(0, colon),
    port: colon === -1 ? '' : hostPort.slice(colon),
    rest: url.slice(prefix.length),
  };
}

function addDefaultPort(url: string): string {
  const p = splitUrl(url);
  if (!p || p.port) return url;
  return p.scheme + p.userInfo + p.host + (p.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + p.rest;
}

function removePort(url: string): string {
  const p = splitUrl(url);
  return p ? p.scheme + p.userInfo + p.host + p.rest : url;
}

function withLegacyQuerystring(url: string): string {
  const q = url.indexOf('?');
  if (q === -1 || q === url.length - 1) return url;
  return `${url.slice(0, q)}?${stringifyQuery(parseQuery(url.slice(q + 1)))}`;
}

/** Every URL twilio-node accepts for `url`, in its order: as received ± port, then new URL()-normalised forms. */
function candidateUrls(url: string): string[] {
  const out = [removePort(url), addDefaultPort(url)];
  try {
    const norm = new URL(url).toString();
    const bare = removePort(norm);
    const ported = addDefaultPort(norm);
    out.push(bare, ported, withLegacyQuerystring(bare), withLegacyQuerystring(ported));
  } catch {
    // twilio-node would throw here; the as-received forms are all we can try.
  }
  return [...new Set(out)];
}

/** JSON bodies: Twilio puts the body's SHA-256 in the URL and signs the URL alone (twilio-node: `indexOf > 0`). */
const bodyMode = (url: string): boolean => url.indexOf('bodySHA256') > 0;

/** POST parameters as Express's `urlencoded({ extended: false })` hands them to twilio-node. */
function formParams(input: { headers: HeaderList; body: Buffer; url: string }): ParsedUrlQuery {
  if (bodyMode(input.url) || input.body.length === 0) return {};
  const type = (getHeader(input.headers, 'Content-Type') ?? '').toLowerCase();
  if (type && !type.includes('application/x-www-form-urlencoded')) return {};
  return parseQuery(input.body.toString('utf8'), '&', '=', { maxKeys: 0 });
}

/** URL followed by each parameter sorted by name as name+value; repeated names: distinct values, sorted. */
function signedData(url: string, params: ParsedUrlQuery): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (Array.isArray(v)) for (const item of [...new Set(v)].sort()) data += key + item;
    else data += key + (v ?? '');
  }
  return data;
}

const expected = (hash: Hash, secret: string, url: string, params: ParsedUrlQuery): string =>
  hmac(hash, secret, Buffer.from(signedData(url, params), 'utf8')).toString('base64');

const isAbsolute = (url: string): boolean => URL_HEAD.test(url);

function verify(input: VerifyInput): VerifyResult {
  assertSecrets('twilio', input.secrets);
  const sig = getHeader(input.headers, SIG);
  if (sig === undefined) return missingHeader(SIG);
  if (sig === '') return fail('malformed_header', `${SIG} is empty`);
  const alg = algorithmOf(input.headers);
  if ('unsupported' in alg) {
    return fail('wrong_scheme', `${SETTINGS} names algorithm ${preview(alg.unsupported)}; only HMAC_SHA1 and HMAC_SHA256 exist`);
  }
  if (!isAbsolute(input.url)) {
    return fail('bad_url', `Twilio signs the full URL it requested (scheme://host/path?query), got ${preview(input.url || '(none)')}: pass it with --url`);
  }
  const params = formParams(input);
  const urls = candidateUrls(input.url);
  for (let i = 0; i < input.secrets.length; i++) {
    const u = urls.find((c) => safeEqual(sig, expected(alg.hash, input.secrets[i]!, c, params)));
    if (u === undefined) continue;
    const warnings = u === input.url ? [] : [`matched as ${preview(u, 120)}, a form twilio-node also accepts`];
    if (bodyMode(input.url)) {
      let claimed = '';
      try {
        claimed = new URL(input.url).searchParams.get('bodySHA256') ?? '';
      } catch {
        claimed = '';
      }
      if (!safeEqual(claimed, sha256Hex(input.body))) {
        return fail('no_match', 'the URL signature matches but bodySHA256 in the URL is not the SHA-256 of this body: the body changed after signing', warnings);
      }
    }
    return ok(i, warnings);
  }
  return noMatch(1, input.secrets.length, [], ` × ${plural(urls.length)} of the URL`);
}

const plural = (n: number): string => (n === 1 ? '1 form' : `${n} forms`);

/**
 * Signs the URL as given (plus form params). For a JSON body the URL must already carry `bodySHA256`
 * (see `withBodySha256`): sign never changes the URL, it only sets headers.
 */
function sign(input: SignInput): HeaderList {
  assertSecret('twilio', input.secret);
  const alg = algorithmOf(input.headers);
  if ('unsupported' in alg) throw new UsageError(`twilio: cannot sign with algorithm ${preview(alg.unsupported)} named in ${SETTINGS}`);
  if (!isAbsolute(input.url)) throw new UsageError(`twilio: cannot sign: Twilio signs the full URL, got ${preview(input.url)}`);
  return setHeader(input.headers, SIG, expected(alg.hash, input.secret, input.url, formParams(input)));
}

/** The URL with `bodySHA256=<hex SHA-256 of body>` set, as Twilio sends JSON webhooks. */
export function withBodySha256(url: string, body: Buffer): string {
  const u = new URL(url);
  u.searchParams.set('bodySHA256', sha256Hex(body));
  return u.toString();
}

function eventInfo(headers: HeaderList, body: Buffer) {
  const eventId = getHeader(headers, 'I-Twilio-Idempotency-Token') ?? null;
  const json = parseJson(body);
  if (json !== undefined) return { eventType: textField(json, 'type'), eventId };
  const form = new URLSearchParams(body.toString('utf8'));
  const status = (kind: string, key: string) => (form.get(key) ? `${kind}.${form.get(key)}` : null);
  const eventType =
    form.get('EventType') || status('call', 'CallStatus') || status('message', 'MessageStatus') || status('message', 'SmsStatus');
  return { eventType: eventType || null, eventId };
}

export const twilio: Provider = {
  name: 'twilio',
  usesUrl: true,
  detect: (headers) => hasHeader(headers, SIG),
  recognize: (headers) =>
    hasHeader(headers, 'I-Twilio-Idempotency-Token') || /^TwilioProxy\//.test(getHeader(headers, 'User-Agent') ?? ''),
  verify,
  sign,
  eventInfo,
};
