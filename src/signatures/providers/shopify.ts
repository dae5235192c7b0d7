import { getHeader, hasHeader } from '../../core/headers.js';
import { signBodyHmac, verifyBodyHmac, type BodyHmacScheme } from '../lib/body-hmac.js';
import type { Provider } from '../types.js';

const SCHEME: BodyHmacScheme = {
  provider: 'shopify',
  header: 'X-Shopify-Hmac-Sha256',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: '',
  compare: 'text',
  // @shopify/shopify-api answers `missing_body` before looking at the HMAC.
  emptyBodyReason: 'empty body: @shopify/shopify-api rejects a webhook without a body',
};

export const shopify: Provider = {
  name: 'shopify',
  detect: (headers) => hasHeader(headers, SCHEME.header),
  recognize: (headers) => hasHeader(headers, 'X-Shopify-Topic') || hasHeader(headers, 'X-Shopify-Webhook-Id'),
  verify: (input) => verifyBodyHmac(SCHEME, input),
  sign: (input) => signBodyHmac(SCHEME, input),
  eventInfo: (headers) => ({
    eventType: getHeader(headers, 'X-Shopify-Topic') ?? null,
    eventId: getHeader(headers, 'X-Shopify-Webhook-Id') ?? getHeader(headers, 'X-Shopify-Event-Id') ?? null,
  }),
};
