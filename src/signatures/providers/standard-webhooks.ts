import { getHeader, hasHeader } from '../../core/headers.js';
import { parseJson, textField } from '../lib/json.js';
import type { Provider } from '../types.js';
import { secretForKey, specSecretProblem, signSpec, verifySpec, WEBHOOK_HEADERS } from './webhook-spec.js';

export const standardWebhooks: Provider = {
  name: 'standard-webhooks',
  detect: (headers) => hasHeader(headers, WEBHOOK_HEADERS.signature),
  recognize: (headers) => hasHeader(headers, WEBHOOK_HEADERS.id),
  verify: (input) => verifySpec('standard-webhooks', [WEBHOOK_HEADERS], input),
  sign: (input) => signSpec('standard-webhooks', WEBHOOK_HEADERS, [WEBHOOK_HEADERS], input),
  eventInfo(headers, body) {
    return { eventType: textField(parseJson(body), 'type'), eventId: getHeader(headers, WEBHOOK_HEADERS.id) ?? null };
  },
  secretForKey,
  secretProblem: specSecretProblem,
};
