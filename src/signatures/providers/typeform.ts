import { hasHeader } from '../../core/headers.js';
import { signBodyHmac, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { parseJson, textField } from '../lib/json.js';
import type { Provider } from '../types.js';

// Note: base64 after a `sha256=` prefix (not hex like GitHub).
const SCHEME: BodyHmacScheme = {
  provider: 'typeform',
  header: 'Typeform-Signature',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: 'sha256=',
  compare: 'text',
};

export const typeform: Provider = {
  name: 'typeform',
  detect: (headers) => hasHeader(headers, SCHEME.header),
  verify: (input) => verifyBodyHmac(SCHEME, input),
  sign: (input) => signBodyHmac(SCHEME, input),
  eventInfo(_headers, body) {
    const json = parseJson(body);
    return { eventType: textField(json, 'event_type'), eventId: textField(json, 'event_id') };
  },
};
