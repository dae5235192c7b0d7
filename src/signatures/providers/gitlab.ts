import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import { safeEqual } from '../lib/crypto.js';
import { assertSecret, assertSecrets, fail, missingHeader, ok } from '../lib/result.js';
import { plural } from '../lib/text.js';
import type { Provider } from '../types.js';

const HEADER = 'X-Gitlab-Token';

/** No signature: GitLab sends the configured secret token itself; compare it whole, in constant time. */
export const gitlab: Provider = {
  name: 'gitlab',
  detect: (headers) => hasHeader(headers, HEADER),
  recognize: (headers) => hasHeader(headers, 'X-Gitlab-Event'),
  verify(input) {
    assertSecrets('gitlab', input.secrets);
    const token = getHeader(input.headers, HEADER);
    if (token === undefined) return missingHeader(HEADER);
    if (token === '') return fail('malformed_header', `${HEADER} is empty`);
    const i = input.secrets.findIndex((s) => safeEqual(token, s));
    if (i >= 0) return ok(i);
    return fail('no_match', `${HEADER} does not equal the configured token (tried ${plural(input.secrets.length, 'secret')})`);
  },
  sign(input) {
    assertSecret('gitlab', input.secret);
    return setHeader(input.headers, HEADER, input.secret);
  },
  eventInfo: (headers) => ({
    eventType: getHeader(headers, 'X-Gitlab-Event') ?? null,
    eventId: getHeader(headers, 'X-Gitlab-Event-UUID') ?? getHeader(headers, 'Idempotency-Key') ?? null,
  }),
};
