import { hasHeader } from '../../core/headers.js';
import { signBodyHmac, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { parseJson, textField } from '../lib/json.js';
import { fail } from '../lib/result.js';
import type { Provider } from '../types.js';

const SCHEME: BodyHmacScheme = {
  provider: 'square',
  header: 'X-Square-HmacSha256-Signature',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: '',
  compare: 'text',
  // Square signs the subscription's notification URL byte-for-byte, then the body.
  content: (input) =>
    input.url
      ? [Buffer.from(input.url, 'utf8'), input.body]
      : fail('bad_url', 'Square signs the notification URL: pass the URL configured in Square (--url)'),
};

export const square: Provider = {
  name: 'square',
  usesUrl: true,
  detect: (headers) => hasHeader(headers, SCHEME.header),
  verify: (input) => verifyBodyHmac(SCHEME, input),
  sign: (input) => signBodyHmac(SCHEME, input),
  eventInfo(_headers, body) {
    const json = parseJson(body);
    return { eventType: textField(json, 'type'), eventId: textField(json, 'event_id') };
  },
};
