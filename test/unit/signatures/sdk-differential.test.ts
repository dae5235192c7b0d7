/**
 * Differential check against the official SDKs: many variations of a signed request (timestamps around the
 * window, mangled header values, changed bodies, other secrets); our verdict must equal the SDK's on each.
 */
import { sign as octoSign, verify as octoVerify } from '@octokit/webhooks-methods';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { Paddle } from '@paddle/paddle-node-sdk';
import { verifySlackRequest } from '@slack/bolt';
import { verifyKey } from 'discord-interactions';
import { parse as parseQuery } from 'node:querystring';
import { WebhooksHelper } from 'square';
import { Webhook as StdWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilioSdk from 'twilio';
import { describe, expect, it } from 'vitest';
import type { HeaderList } from '../../../src/core/types.js';
import { provider, sign, verify } from './helpers.js';

type Sdk = (body: Buffer, headers: HeaderList, secret: string, now: number, url: string) => boolean | Promise<boolean>;

interface Case {
  label: string;
  body: Buffer;
  headers: HeaderList;
  url: string;
}

const lower = (h: HeaderList) => Object.fromEntries(h.map(([k, v]) => [k.toLowerCase(), v]));
const attempt = async (f: () => unknown): Promise<boolean> => {
  try {
    const r = await f();
    return r !== false;
  } catch {
    return false;
  }
};

const VALUE_MUTATIONS: Array<[string, (v: string) => string]> = [
  ['as is', (v) => v],
  ['upper', (v) => v.toUpperCase()],
  ['lower', (v) => v.toLowerCase()],
  ['trailing space', (v) => `${v} `],
  ['leading space', (v) => ` ${v}`],
  ['trailing comma', (v) => `${v},`],
  ['trailing semicolon', (v) => `${v};`],
  ['doubled with space', (v) => `${v} ${v}`],
  ['doubled with comma', (v) => `${v},${v}`],
  ['last char cut', (v) => v.slice(0, -1)],
  ['first char cut', (v) => v.slice(1)],
  ['empty', () => ''],
];

/** Variations of a request signed at `now + delta`, for each header the provider set. */
function cases(name: string, secret: string, base: { body: Buffer; url: string; headers?: HeaderList }, now: number, deltas: number[]): Case[] {
  const p = provider(name);
  const out: Case[] = [];
  for (const delta of deltas) {
    const headers = sign(p, secret, { body: base.body, url: base.url, headers: base.headers ?? [], now: now + delta });
    out.push({ label: `signed at ${delta >= 0 ? '+' : ''}${delta}s`, body: base.body, headers, url: base.url });
  }
  const good = sign(p, secret, { body: base.body, url: base.url, headers: base.headers ?? [], now });
  const signed = new Set(good.map(([k]) => k.toLowerCase()));
  for (const [k] of base.headers ?? []) signed.delete(k.toLowerCase());
  for (const [i, [k, v]] of good.entries()) {
    if (!signed.has(k.toLowerCase())) continue;
    for (const [m, f] of VALUE_MUTATIONS) {
      out.push({ label: `${k} ${m}`, body: base.body, url: base.url, headers: good.map((h, j) => (j === i ? [k, f(v)] : h)) });
    }
  }
  for (const [label, body] of [
    ['body + newline', Buffer.concat([base.body, Buffer.from('\n')])],
    ['body changed', Buffer.from(base.body.toString().replace(/\d/, '7'))],
    ['empty body', Buffer.alloc(0)],
  ] as const) {
    out.push({ label, body, headers: good, url: base.url });
  }
  const empty = sign(p, secret, { body: Buffer.alloc(0), url: base.url, headers: base.headers ?? [], now });
  out.push({ label: 'empty body signed', body: Buffer.alloc(0), headers: empty, url: base.url });
  return out;
}

async function compare(name: string, sdk: Sdk, secrets: { sign: string; verify: string; other: string; otherVerify?: string }, all: Case[], now: number) {
  const mismatches: string[] = [];
  for (const c of all) {
    for (const [which, s] of [['right', secrets.verify], ['other', secrets.otherVerify ?? secrets.other]] as const) {
      const ours = verify(provider(name), s, { body: c.body, headers: c.headers, url: c.url, now }).ok;
      const theirs = await sdk(c.body, c.headers, s, now, c.url);
      if (ours !== theirs) mismatches.push(`${c.label} (${which} secret): ours ${ours}, SDK ${theirs}`);
    }
  }
  expect(mismatches).toEqual([]);
}

/** A timestamp header the JS library would parseInt() into a number although it is not plain digits. */
const lenientTimestamp = (c: Case): boolean =>
  c.headers.some(([k, v]) => /-timestamp$/i.test(k) && !/^\d+$/.test(v) && !Number.isNaN(Number.parseInt(v, 10)));

const JSON_BODY = Buffer.from('{"id":"evt_1","type":"x.y","amount":1000,"name":"é😀"}');
const realNow = () => Math.floor(Date.now() / 1000);
const FIXED = 1700000000;

describe('verdicts equal the official SDKs on request variations', () => {
  it('stripe', async () => {
    const sdk = new Stripe('sk_test_dummy').webhooks.signature!;
    const f: Sdk = (body, h, secret, now) => attempt(() => sdk.verifyHeader(body, lower(h)['stripe-signature'] ?? '', secret, 300, undefined, now * 1000));
    const s = { sign: 'whsec_a', verify: 'whsec_a', other: 'whsec_b' };
    await compare('stripe', f, s, cases('stripe', s.sign, { body: JSON_BODY, url: '' }, FIXED, [0, -299, -300, -301, -3600, 5, 3600]), FIXED);
    await compare('stripe', f, s, [{ label: 't with junk', body: JSON_BODY, url: '', headers: [['Stripe-Signature', sign(provider('stripe'), 'whsec_a')[0]![1].replace(/^t=(\d+)/, 't=$1abc')]] }], 1700000000);
  });
  it('github', async () => {
    const f: Sdk = (body, h, secret) => attempt(() => octoVerify(secret, body.toString(), lower(h)['x-hub-signature-256'] ?? ''));
    const s = { sign: 'gh-secret', verify: 'gh-secret', other: 'gh-other' };
    await compare('github', f, s, cases('github', s.sign, { body: JSON_BODY, url: '' }, FIXED, [0]), FIXED);
    expect(await octoSign('gh-secret', JSON_BODY.toString())).toBe(sign(provider('github'), 'gh-secret', { body: JSON_BODY })[0]![1]);
  });
  it('standard-webhooks (real clock)', async () => {
    const f: Sdk = (body, h, secret) => attempt(() => new StdWebhook(secret).verify(body, lower(h), { jsonParse: false }));
    const s = { sign: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', verify: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', other: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==' };
    const now = realNow();
    const all = cases('standard-webhooks', s.sign, { body: JSON_BODY, url: '', headers: [['webhook-id', 'msg_1']] }, now, [0, -250, 250, -400, 400, -3600]);
    await compare('standard-webhooks', f, s, all.filter((c) => !lenientTimestamp(c)), now);
    // Deliberate deviation (signatures.md): the library parseInt()s " 1700000000,"; we refuse non-canonical digits.
    for (const c of all.filter(lenientTimestamp)) expect(verify(provider('standard-webhooks'), s.verify, { ...c, now }).ok).toBe(false);
  });
  it('svix (real clock)', async () => {
    const f: Sdk = (body, h, secret) => attempt(() => new SvixWebhook(secret).verify(body.toString(), lower(h)));
    const s = { sign: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', verify: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', other: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==' };
    const now = realNow();
    // The svix SDK JSON-parses after a match (an empty body throws there); compare JSON bodies only.
    const all = cases('svix', s.sign, { body: JSON_BODY, url: '', headers: [['svix-id', 'msg_1']] }, now, [0, -250, 250, -400, 400])
      .filter((c) => c.body.length > 0 && !c.label.includes('newline') && !lenientTimestamp(c));
    await compare('svix', f, s, all, now);
  });
  it('slack', async () => {
    const f: Sdk = (body, h, secret, now) =>
      attempt(() => {
        const l = lower(h);
        verifySlackRequest({ signingSecret: secret, body: body.toString(), headers: { 'x-slack-signature': l['x-slack-signature'] ?? '', 'x-slack-request-timestamp': Number(l['x-slack-request-timestamp']) }, nowMilliseconds: now * 1000 });
      });
    const s = { sign: 'slack-secret', verify: 'slack-secret', other: 'slack-other' };
    await compare('slack', f, s, cases('slack', s.sign, { body: JSON_BODY, url: '' }, FIXED, [0, -299, -300, -301, 400, 3600]), FIXED);
  });
  it('twilio (form, JSON, SHA-256 settings)', async () => {
    const f: Sdk = (body, h, secret, _now, url) => {
      const l = lower(h);
      const alg = twilioSdk.getSignatureAlgorithm(l['x-twilio-webhooks-signature-settings']);
      if (url.indexOf('bodySHA256') > 0) return attempt(() => twilioSdk.validateRequestWithBody(secret, l['x-twilio-signature'] ?? '', url, body.toString(), alg));
      return attempt(() => twilioSdk.validateRequest(secret, l['x-twilio-signature'] ?? '', url, parseQuery(body.toString()) as Record<string, string>, alg));
    };
    const s = { sign: 'tw-token', verify: 'tw-token', other: 'tw-other' };
    const form = { body: Buffer.from('To=%2B1555&From=%2B1666&Body=h%C3%A9+there&B=2&B=1'), url: 'https://h.test/sms?x=1&y=2', headers: [['Content-Type', 'application/x-www-form-urlencoded']] as HeaderList };
    await compare('twilio', f, s, cases('twilio', s.sign, form, FIXED, [0]), FIXED);
    const sha = { ...form, headers: [...form.headers, ['X-Twilio-Webhooks-Signature-Settings', 'key=k1,algorithm=HMAC_SHA256']] as HeaderList };
    await compare('twilio', f, s, cases('twilio', s.sign, sha, FIXED, [0]).filter((c) => !c.label.startsWith('X-Twilio-Webhooks')), FIXED);
    const { withBodySha256 } = await import('../../../src/signatures/index.js');
    const json = { body: JSON_BODY, url: withBodySha256('https://h.test/ev?a=1', JSON_BODY), headers: [['Content-Type', 'application/json']] as HeaderList };
    await compare('twilio', f, s, cases('twilio', s.sign, json, FIXED, [0]).filter((c) => !c.label.includes('empty body signed')), FIXED);
  });
  it('paddle (real clock)', async () => {
    const paddle = new Paddle('pdl_test_apikey_dummy');
    const f: Sdk = (body, h, secret) => attempt(() => paddle.webhooks.isSignatureValid(body.toString(), secret, lower(h)['paddle-signature'] ?? ''));
    const s = { sign: 'pdl_ntfset_a', verify: 'pdl_ntfset_a', other: 'pdl_ntfset_b' };
    const now = realNow();
    await compare('paddle', f, s, cases('paddle', s.sign, { body: JSON_BODY, url: '' }, now, [0, -3, -10, -400, 3600]), now);
  });
  it('linear (real clock)', async () => {
    const f: Sdk = (body, h, secret) => attempt(() => new LinearWebhookClient(secret).verify(body, lower(h)['linear-signature'] ?? ''));
    const s = { sign: 'lin_a', verify: 'lin_a', other: 'lin_b' };
    const nowMs = Date.now();
    for (const offset of [0, -30_000, 30_000, -70_000, 70_000]) {
      const body = Buffer.from(`{"type":"Issue","webhookTimestamp":${nowMs + offset}}`);
      const all = cases('linear', s.sign, { body, url: '' }, nowMs / 1000, [0]);
      await compare('linear', f, s, all, nowMs / 1000);
    }
  });
  it('square', async () => {
    const f: Sdk = (body, h, secret, _now, url) =>
      attempt(() => WebhooksHelper.verifySignature({ requestBody: body.toString(), signatureHeader: lower(h)['x-square-hmacsha256-signature'] ?? '', signatureKey: secret, notificationUrl: url }));
    const s = { sign: 'sq-key', verify: 'sq-key', other: 'sq-other' };
    await compare('square', f, s, cases('square', s.sign, { body: JSON_BODY, url: 'https://h.test/square/hook' }, FIXED, [0]), FIXED);
  });
  it('discord', async () => {
    const f: Sdk = (body, h, secret) => {
      const l = lower(h);
      // The middleware rejects a missing/empty header before verifyKey.
      if (!l['x-signature-ed25519'] || !l['x-signature-timestamp']) return false;
      return verifyKey(body, l['x-signature-ed25519'], l['x-signature-timestamp'], secret);
    };
    const s = { sign: '01'.repeat(32), verify: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c', other: '02'.repeat(32), otherVerify: '8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394' };
    await compare('discord', f, s, cases('discord', s.sign, { body: JSON_BODY, url: '' }, FIXED, [0, -1_000_000, 1_000_000]), FIXED);
  });
});

describe('structured header variations agree with the SDKs', () => {
  const hexOf = (name: string, secret: string, now: number, key: RegExp) => key.exec(sign(provider(name), secret, { body: JSON_BODY, now })[0]![1])![1]!;

  it('stripe: several v1, v0, order, junk items', async () => {
    const sdk = new Stripe('sk_test_dummy').webhooks.signature!;
    const good = hexOf('stripe', 'whsec_a', FIXED, /v1=(\w+)/);
    const bad = hexOf('stripe', 'whsec_b', FIXED, /v1=(\w+)/);
    const values = [
      `t=${FIXED},v1=${bad},v1=${good}`, `v1=${good},t=${FIXED}`, `t=${FIXED},v0=${good}`, `t=${FIXED},v1=${good},v0=${bad}`,
      `t=${FIXED - 1},v1=${good}`, `t=${FIXED},t=${FIXED - 1},v1=${good}`, `t=${FIXED - 1},t=${FIXED},v1=${good}`, `t=${FIXED},v1=${good}=`,
      `t=${FIXED},,v1=${good}`, `t=${FIXED};v1=${good}`, `T=${FIXED},v1=${good}`, `t=${FIXED},V1=${good}`, `t=-1,v1=${good}`, `t=0${FIXED},v1=${good}`,
    ];
    for (const v of values) {
      const theirs = await attempt(() => sdk.verifyHeader(JSON_BODY, v, 'whsec_a', 300, undefined, FIXED * 1000));
      expect([v, verify(provider('stripe'), 'whsec_a', { body: JSON_BODY, headers: [['Stripe-Signature', v]], now: FIXED }).ok]).toEqual([v, theirs]);
    }
  });

  it('paddle: several h1, repeated ts, odd separators (real clock)', async () => {
    const paddle = new Paddle('pdl_test_apikey_dummy');
    const now = realNow();
    const good = hexOf('paddle', 'pdl_a', now, /h1=(\w+)/);
    const bad = hexOf('paddle', 'pdl_b', now, /h1=(\w+)/);
    const values = [
      `ts=${now};h1=${bad};h1=${good}`, `ts=${now};h1=${good};h1=${bad}`, `h1=${good};ts=${now}`, `ts=${now};h1=${good};h1=`,
      `ts=${now};ts=;h1=${good}`, `ts=${now - 100};ts=${now};h1=${good}`, `ts=${now},h1=${good}`, `ts=${now}; h1=${good}`, `ts=${now};h1=${good.toUpperCase()}`,
    ];
    for (const v of values) {
      const theirs = await attempt(() => paddle.webhooks.isSignatureValid(JSON_BODY.toString(), 'pdl_a', v));
      expect([v, verify(provider('paddle'), 'pdl_a', { body: JSON_BODY, headers: [['Paddle-Signature', v]], now }).ok]).toEqual([v, theirs]);
    }
  });

  it('standard-webhooks: signature lists (real clock)', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const now = realNow();
    const h = sign(provider('standard-webhooks'), secret, { body: JSON_BODY, now, headers: [['webhook-id', 'msg_x']] });
    const good = h.find(([k]) => k === 'webhook-signature')![1];
    const b64 = good.slice(3);
    const values = [
      `v1,AAAA ${good}`, `${good} v1,AAAA`, `v2,${b64}`, `v1a,${b64} ${good}`, `v1,${b64},extra`, `v1 ${b64}`, `  ${good}`, `${good}\t`,
      `V1,${b64}`, `v1,${b64.replace(/=+$/, '')}`, `v1,${b64}==`,
    ];
    for (const v of values) {
      const headers = h.map(([k, x]) => [k, k === 'webhook-signature' ? v : x] as [string, string]);
      const theirs = await attempt(() => new StdWebhook(secret).verify(JSON_BODY, lower(headers), { jsonParse: false }));
      expect([v, verify(provider('standard-webhooks'), secret, { body: JSON_BODY, headers, now }).ok]).toEqual([v, theirs]);
    }
  });
});
