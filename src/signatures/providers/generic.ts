import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { bodyHmacValue, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { fail, assertSecret, assertSecrets } from '../lib/result.js';
import { preview } from '../lib/text.js';
import { checkWindow, toleranceOf } from '../lib/window.js';
import type { GenericDefinition, Provider, SignInput, VerifyInput } from '../types.js';

/** `generic` without a definition: `X-Signature: <hex HMAC-SHA256(secret, body)>`. */
export const DEFAULT_GENERIC: GenericDefinition = {
  name: 'generic',
  header: 'X-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
};

const DEFAULT_TOLERANCE = 300;
const TOKEN = /\{(body|timestamp|url|method)\}/g;

/**
 * The signed bytes from the template: `{body}` raw, `{timestamp}` from timestampHeader, `{url}`, `{method}`;
 * everything else literal. Returns an error text when a part is missing.
 */
function render(def: GenericDefinition, input: VerifyInput | SignInput, timestamp: string | undefined): Buffer[] | string {
  const template = def.template ?? '{body}';
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    parts.push(Buffer.from(template.slice(last, m.index), 'utf8'));
    last = m.index! + m[0].length;
    if (m[1] === 'body') parts.push(input.body);
    else if (m[1] === 'url') parts.push(Buffer.from(input.url, 'utf8'));
    else if (m[1] === 'method') parts.push(Buffer.from(input.method, 'utf8'));
    else if (timestamp === undefined) return `the template uses {timestamp} but ${def.timestampHeader ? `${def.timestampHeader} is missing` : 'no timestampHeader is defined'}`;
    else parts.push(Buffer.from(timestamp, 'utf8'));
  }
  parts.push(Buffer.from(template.slice(last), 'utf8'));
  return parts;
}

function schemeFor(def: GenericDefinition, timestamp: string | undefined): BodyHmacScheme {
  return {
    provider: def.name,
    header: def.header,
    algorithm: def.algorithm,
    encoding: def.encoding,
    prefix: def.prefix ?? '',
    compare: 'bytes', // our own scheme: decoded bytes, hex in either case, several signatures space-separated
    content(input) {
      const parts = render(def, input, timestamp);
      return typeof parts === 'string' ? fail(timestamp === undefined ? 'missing_header' : 'malformed_header', parts) : parts;
    },
  };
}

function verify(def: GenericDefinition, input: VerifyInput) {
  assertSecrets(def.name, input.secrets);
  let timestamp: string | undefined;
  if (def.timestampHeader) {
    if (!hasHeader(input.headers, def.header)) return fail('missing_header', `missing ${def.header} header`);
    timestamp = getHeader(input.headers, def.timestampHeader);
    if (timestamp === undefined) return fail('missing_header', `missing ${def.timestampHeader} header`);
    if (!/^\d{1,15}$/.test(timestamp)) {
      return fail('malformed_header', `${def.timestampHeader} is not a unix timestamp (got ${preview(timestamp)})`);
    }
    const tol = toleranceOf(input.tolerance ?? def.toleranceSeconds, DEFAULT_TOLERANCE);
    const outside = checkWindow(Number(timestamp), input.now, tol, tol);
    if (outside) return outside;
  }
  return verifyBodyHmac(schemeFor(def, timestamp), input);
}

function sign(def: GenericDefinition, input: SignInput) {
  assertSecret(def.name, input.secret);
  let headers = input.headers;
  let timestamp: string | undefined;
  if (def.timestampHeader) {
    timestamp = String(Math.floor(input.now));
    headers = setHeader(headers, def.timestampHeader, timestamp);
  }
  return setHeader(headers, def.header, bodyHmacValue(schemeFor(def, timestamp), input));
}

/** A provider for one user-defined scheme; its id is the definition's name. */
export function genericProvider(def: GenericDefinition = DEFAULT_GENERIC): Provider {
  return {
    name: def.name,
    usesUrl: /\{url\}/.test(def.template ?? ''),
    detect: (headers) => hasHeader(headers, def.header),
    verify: (input) => verify(def, input),
    sign: (input) => sign(def, input),
    eventInfo: (headers) => ({
      eventType: def.eventTypeHeader ? (getHeader(headers, def.eventTypeHeader) ?? null) : null,
      eventId: def.eventIdHeader ? (getHeader(headers, def.eventIdHeader) ?? null) : null,
    }),
  };
}

export const generic: Provider = genericProvider();
