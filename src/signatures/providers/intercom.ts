import { hasHeader } from '../../core/headers.js';
import { signBodyHmac, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import { parseJson, textField } from '../lib/json.js';
import type { Provider } from '../types.js';
import { fromIntercom } from './github.js';

const SCHEME: BodyHmacScheme = {
  provider: 'intercom',
  header: 'X-Hub-Signature',
  algorithm: 'sha1',
  encoding: 'hex',
  prefix: 'sha1=',
  compare: 'text',
};

/** Same header as GitHub's legacy one: detected only by an Intercom User-Agent, otherwise forced. */
export const intercom: Provider = {
  name: 'intercom',
  detect: (headers) => hasHeader(headers, SCHEME.header) && fromIntercom(headers),
  recognize: fromIntercom,
  verify: (input) => verifyBodyHmac(SCHEME, input),
  sign: (input) => signBodyHmac(SCHEME, input),
  eventInfo(_headers, body) {
    const json = parseJson(body);
    return { eventType: textField(json, 'topic'), eventId: textField(json, 'id') };
  },
};
