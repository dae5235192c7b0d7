import { getHeader, hasHeader } from '../../core/headers.js';
import { parseJson, textField } from '../lib/json.js';
import type { Provider } from '../types.js';
import { secretForKey, specSecretProblem, signSpec, SVIX_HEADERS, verifySpec, WEBHOOK_HEADERS } from './webhook-spec.js';

// The svix SDK reads svix-* first and falls back to webhook-* (white-labelled senders), header by header.
const SETS = [SVIX_HEADERS, WEBHOOK_HEADERS];

export const svix: Provider = {
  name: 'svix',
  detect: (headers) => hasHeader(headers, SVIX_HEADERS.signature),
  recognize: (headers) => hasHeader(headers, SVIX_HEADERS.id),
  verify: (input) => verifySpec('svix', SETS, input),
  // Keep the sender's naming: webhook-* when the request only has those, else svix-*.
  sign(input) {
    const set = !hasHeader(input.headers, SVIX_HEADERS.signature) && hasHeader(input.headers, WEBHOOK_HEADERS.signature)
      ? WEBHOOK_HEADERS
      : SVIX_HEADERS;
    return signSpec('svix', set, SETS, input);
  },
  eventInfo(headers, body) {
    return {
      eventType: textField(parseJson(body), 'type'),
      eventId: getHeader(headers, SVIX_HEADERS.id) ?? getHeader(headers, WEBHOOK_HEADERS.id) ?? null,
    };
  },
  secretForKey,
  secretProblem: specSecretProblem,
};
