/**
 * Webhook handlers as developers write them, judged by each provider's official SDK (or, where there is none, the
 * documented scheme in plain node:crypto): the oracle for `send` and the "correct handler" for `audit`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { verify as octoVerify } from '@octokit/webhooks-methods';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { Paddle } from '@paddle/paddle-node-sdk';
import { verifySlackRequest } from '@slack/bolt';
import { verifyKey } from 'discord-interactions';
import { WebhooksHelper } from 'square';
import { Webhook as StdWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilioSdk from 'twilio';
import type { AppRequest } from '../../helpers/forward.js';

/** The secret each side uses: `sign` for hookdev send, `verify` for the handler (differs only for Discord). */
export const SECRETS: Record<string, { sign: string; verify: string }> = {
  stripe: { sign: 'whsec_send_test_secret', verify: 'whsec_send_test_secret' },
  github: { sign: 'gh-send-secret', verify: 'gh-send-secret' },
  'standard-webhooks': { sign: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', verify: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  svix: { sign: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', verify: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  slack: { sign: 'slack-signing-secret', verify: 'slack-signing-secret' },
  shopify: { sign: 'shpss_send_secret', verify: 'shpss_send_secret' },
  twilio: { sign: 'twilio-auth-token', verify: 'twilio-auth-token' },
  paddle: { sign: 'pdl_ntfset_send_secret', verify: 'pdl_ntfset_send_secret' },
  linear: { sign: 'lin_wh_send', verify: 'lin_wh_send' },
  square: { sign: 'sq-signature-key', verify: 'sq-signature-key' },
  zoom: { sign: 'zoom-secret-token', verify: 'zoom-secret-token' },
  typeform: { sign: 'typeform-secret', verify: 'typeform-secret' },
  intercom: { sign: 'intercom-client-secret', verify: 'intercom-client-secret' },
  gitlab: { sign: 'gitlab-token', verify: 'gitlab-token' },
  discord: { sign: '01'.repeat(32), verify: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c' },
};

type Verifier = (body: Buffer, h: Record<string, string>, url: string, secret: string) => Promise<boolean> | boolean;

const stripe = new Stripe('sk_test_unused');
const paddle = new Paddle('pdl_test_apikey_unused');
const hmacEq = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const mac = (alg: string, secret: string, ...parts: Array<string | Buffer>) => {
  const h = createHmac(alg, secret);
  for (const p of parts) h.update(p);
  return h.digest();
};

export const VERIFIERS: Record<string, Verifier> = {
  stripe: (body, h, _u, s) => Boolean(stripe.webhooks.constructEvent(body, h['stripe-signature'] ?? '', s)),
  github: (body, h, _u, s) => octoVerify(s, body.toString('utf8'), h['x-hub-signature-256'] ?? ''),
  'standard-webhooks': (body, h, _u, s) => Boolean(new StdWebhook(s).verify(body, h)),
  svix: (body, h, _u, s) => Boolean(new SvixWebhook(s).verify(body.toString('utf8'), h)),
  slack: (body, h, _u, s) => {
    verifySlackRequest({
      signingSecret: s,
      body: body.toString('utf8'),
      headers: { 'x-slack-signature': h['x-slack-signature'] ?? '', 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) },
    });
    return true;
  },
  // Shopify's own library needs Node 22; its check is this HMAC (signatures.md).
  shopify: (body, h, _u, s) => hmacEq(mac('sha256', s, body).toString('base64'), h['x-shopify-hmac-sha256'] ?? ''),
  twilio: (body, h, url, s) => twilioSdk.validateRequest(s, h['x-twilio-signature'] ?? '', url, parseQuery(body.toString('utf8')) as Record<string, string>),
  paddle: (body, h, _u, s) => paddle.webhooks.isSignatureValid(body.toString('utf8'), s, h['paddle-signature'] ?? ''),
  linear: (body, h, _u, s) => new LinearWebhookClient(s).verify(body, h['linear-signature'] ?? ''),
  square: (body, h, url, s) =>
    WebhooksHelper.verifySignature({ requestBody: body.toString('utf8'), signatureHeader: h['x-square-hmacsha256-signature'] ?? '', signatureKey: s, notificationUrl: url }),
  // No official verifiers for these four: the documented schemes.
  zoom: (body, h, _u, s) => {
    const ts = h['x-zm-request-timestamp'] ?? '';
    if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
    return hmacEq(`v0=${mac('sha256', s, `v0:${ts}:`, body).toString('hex')}`, h['x-zm-signature'] ?? '');
  },
  typeform: (body, h, _u, s) => hmacEq(`sha256=${mac('sha256', s, body).toString('base64')}`, h['typeform-signature'] ?? ''),
  intercom: (body, h, _u, s) => hmacEq(`sha1=${mac('sha1', s, body).toString('hex')}`, h['x-hub-signature'] ?? ''),
  gitlab: (_b, h, _u, s) => hmacEq(s, h['x-gitlab-token'] ?? ''),
  discord: (body, h, _u, s) => (h['x-signature-ed25519'] && h['x-signature-timestamp'] ? verifyKey(body, h['x-signature-ed25519'], h['x-signature-timestamp'], s) : false),
};

export const lowerHeaders = (req: AppRequest): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of req.headers) out[k.toLowerCase()] ??= v;
  return out;
};

export async function verifies(provider: string, req: AppRequest, baseUrl: string, secret = SECRETS[provider]!.verify): Promise<boolean> {
  try {
    return Boolean(await VERIFIERS[provider]!(req.body, lowerHeaders(req), baseUrl + req.url, secret));
  } catch {
    return false;
  }
}

export interface HandlerOptions {
  /** Bodies larger than this get 413. */
  maxBody?: number;
}

/**
 * A production-grade handler: POST only (405), the content type it parses (415), a body cap (413), the SDK's
 * verdict (400 when it refuses), then 200. Idempotency and ordering are trivially fine: it keeps no state.
 */
export function correctHandler(provider: string, base: () => string, opts: HandlerOptions = {}) {
  return (req: AppRequest, res: ServerResponse): void => {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    if (opts.maxBody !== undefined && req.body.length > opts.maxBody) return void res.writeHead(413).end('too large');
    const type = lowerHeaders(req)['content-type'] ?? '';
    const expected = provider === 'twilio' ? /x-www-form-urlencoded/ : /json/;
    if (!expected.test(type)) return void res.writeHead(415).end('unsupported content type');
    void verifies(provider, req, base()).then((ok) => (ok ? res.writeHead(200).end('ok') : res.writeHead(400).end('bad signature')));
  };
}
