import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import type { HeaderList } from '../../core/types.js';
import { bodyHmacValue, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { assertSecret } from '../lib/result.js';
import type { Provider } from '../types.js';

// @octokit/webhooks-methods throws on an empty payload; GitHub never signs one.
const EMPTY = 'empty body: GitHub always sends a payload and @octokit/webhooks-methods rejects an empty one';

const SHA256: BodyHmacScheme = {
  provider: 'github',
  header: 'X-Hub-Signature-256',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  compare: 'text',
  emptyBodyReason: EMPTY,
};

/** Legacy header: also Intercom's, which is why GitHub only owns it without an Intercom User-Agent. */
const SHA1: BodyHmacScheme = { ...SHA256, header: 'X-Hub-Signature', algorithm: 'sha1', prefix: 'sha1=' };

export function fromIntercom(headers: HeaderList): boolean {
  return /intercom/i.test(getHeader(headers, 'User-Agent') ?? '');
}

export const github: Provider = {
  name: 'github',
  detect: (headers) =>
    hasHeader(headers, SHA256.header) || (hasHeader(headers, SHA1.header) && !fromIntercom(headers)),
  recognize: (headers) => hasHeader(headers, 'X-GitHub-Event') || hasHeader(headers, 'X-GitHub-Delivery'),
  // SHA-256 whenever its header is there (no fallback to SHA-1 if it fails); SHA-1 only when alone.
  verify: (input) =>
    verifyBodyHmac(hasHeader(input.headers, SHA256.header) || !hasHeader(input.headers, SHA1.header) ? SHA256 : SHA1, input),
  sign(input) {
    assertSecret('github', input.secret);
    let headers = setHeader(input.headers, SHA256.header, bodyHmacValue(SHA256, input));
    // GitHub sends both; refresh the legacy one too when present so it is not left stale.
    if (hasHeader(headers, SHA1.header)) headers = setHeader(headers, SHA1.header, bodyHmacValue(SHA1, input));
    return headers;
  },
  eventInfo: (headers) => ({
    eventType: getHeader(headers, 'X-GitHub-Event') ?? null,
    eventId: getHeader(headers, 'X-GitHub-Delivery') ?? null,
  }),
};
