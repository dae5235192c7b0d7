/**
 * What to do about a failed check: the same knowledge signature diagnosis uses (raw bytes, constant-time
 * compare, timestamp windows), phrased for the handler's author, with the provider's SDK call where there is one.
 */
import type { CheckName } from './names.js';

/** The official verifier a handler should call, by provider id. */
const SDK_CALL: Record<string, string> = {
  stripe: 'stripe.webhooks.constructEvent(rawBody, sigHeader, secret)',
  github: '@octokit/webhooks-methods verify(secret, rawBody, X-Hub-Signature-256)',
  'standard-webhooks': 'new Webhook(secret).verify(rawBody, headers) from standardwebhooks',
  svix: 'new Webhook(secret).verify(rawBody, headers) from svix',
  slack: "@slack/bolt's verifySlackRequest (or App with signingSecret)",
  twilio: 'twilio.validateRequest(authToken, signature, url, params)',
  paddle: 'paddle.webhooks.unmarshal(rawBody, secret, signature)',
  linear: 'new LinearWebhookClient(secret).verify(rawBody, signature)',
  square: 'WebhooksHelper.verifySignature({ requestBody, signatureHeader, signatureKey, notificationUrl })',
  discord: "discord-interactions' verifyKey(rawBody, signature, timestamp, publicKey)",
  shopify: "@shopify/shopify-api's webhooks.validate, or HMAC-SHA256 of the raw body in base64",
};

function verifyCall(provider: string): string {
  return SDK_CALL[provider] ?? 'an HMAC of the raw body with your secret, compared in constant time';
}

export type FailureKind = 'accepted' | 'server-error' | 'no-answer' | 'refused' | 'slow';

/** One line for the report under a failed (or warned) check. */
export function hintFor(check: CheckName, kind: FailureKind, provider: string): string {
  if (kind === 'server-error') {
    return 'catch the verification error and answer 400: a 5xx tells the sender to retry a request that can never succeed';
  }
  switch (check) {
    case 'accepts-valid':
      if (kind === 'no-answer' || kind === 'slow') {
        return 'answer 2xx as soon as the event is stored, and do the work afterwards (a queue or a background job)';
      }
      return `a correctly signed event was refused: check the secret, and verify the raw request body with ${verifyCall(provider)} (\`hookdev show <id>\` has the exact bytes)`;
    case 'rejects-bad-signature':
    case 'rejects-missing-signature':
    case 'rejects-wrong-secret':
      return `verify every request before acting on it, with ${verifyCall(provider)}, and answer 400 when it fails`;
    case 'rejects-stale-timestamp':
      return 'check the signed timestamp against your clock (5 minutes is usual): without it a captured request can be replayed forever';
    case 'rejects-reserialized-body':
      return 'verify the raw request body before parsing JSON (e.g. express.raw()); a parsed-and-re-encoded body only matches by luck and breaks with real senders';
    case 'rejects-tampered-body':
      return 'verify the exact bytes you then parse: the signature must cover the body you act on';
    case 'idempotent-duplicate':
      return 'answer 2xx to a repeated event and skip the work: keep processed event ids under a unique index';
    case 'out-of-order':
      return 'accept old events (2xx) and decide by the object\'s own timestamp or version whether to apply them';
    case 'oversized-body':
      return kind === 'no-answer'
        ? 'the endpoint stopped answering after a big body: cap the body size while reading (e.g. express.raw({ limit: "1mb" })) and answer 413'
        : 'cap the body size while reading (e.g. express.raw({ limit: "1mb" })) and answer 413 before buffering it all';
    case 'concurrent-burst':
      return 'a burst of valid events must all get 2xx: keep the handler short and move the work to a queue';
    case 'wrong-method':
      return 'answer 405 to anything but POST';
    case 'wrong-content-type':
      return 'check the Content-Type you parse and answer 415 to anything else';
  }
}
