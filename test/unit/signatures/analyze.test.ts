import { describe, expect, it } from 'vitest';
import { analyze, detectProvider, getProvider, providerNames } from '../../../src/signatures/index.js';
import type { AnalyzeInput, GenericDefinition } from '../../../src/signatures/types.js';
import { BODY, provider, sign, T } from './helpers.js';

const STRIPE = 'whsec_test_secret';
const EVENT = Buffer.from('{"id":"evt_9","type":"invoice.paid"}');
const run = (over: Partial<AnalyzeInput>) =>
  analyze({ body: EVENT, headers: [], url: 'https://example.test/hook', method: 'POST', secrets: {}, now: T, ...over });
const detected = (headers: Array<[string, string]>, generic?: GenericDefinition[]) => detectProvider(headers, generic)?.name ?? null;

describe('registry', () => {
  it('knows every provider, and the standard alias', () => {
    expect([...providerNames].sort()).toEqual(
      ['discord', 'generic', 'github', 'gitlab', 'intercom', 'linear', 'paddle', 'shopify', 'slack', 'square', 'standard-webhooks', 'stripe', 'svix', 'twilio', 'typeform', 'zoom'].sort(),
    );
    for (const n of providerNames) expect(getProvider(n)!.name).toBe(n);
    expect(getProvider('standard')!.name).toBe('standard-webhooks');
    expect(getProvider('Standard_Webhooks')!.name).toBe('standard-webhooks');
    expect(getProvider('nope')).toBeUndefined();
  });
  it('detects by headers, most specific first', () => {
    expect(detected([['stripe-signature', 'x']])).toBe('stripe');
    expect(detected([['webhook-id', 'a'], ['webhook-signature', 'v1,x'], ['svix-signature', 'v1,x']])).toBe('svix');
    expect(detected([['webhook-id', 'a'], ['webhook-timestamp', '1'], ['webhook-signature', 'v1,x']])).toBe('standard-webhooks');
    expect(detected([['X-Hub-Signature-256', 'x'], ['X-Hub-Signature', 'y'], ['User-Agent', 'Intercom']])).toBe('github');
    expect(detected([['X-Hub-Signature', 'y'], ['User-Agent', 'intercom-webhooks/1']])).toBe('intercom');
    expect(detected([['X-Hub-Signature', 'y']])).toBe('github');
    expect(detected([['X-Slack-Signature', 'v0=1']])).toBe('slack');
    expect(detected([['X-Twilio-Signature', 'x']])).toBe('twilio');
    expect(detected([['X-Shopify-Hmac-Sha256', 'x']])).toBe('shopify');
    expect(detected([['Paddle-Signature', 'x']])).toBe('paddle');
    expect(detected([['Linear-Signature', 'x']])).toBe('linear');
    expect(detected([['X-Square-HmacSha256-Signature', 'x']])).toBe('square');
    expect(detected([['x-zm-signature', 'x']])).toBe('zoom');
    expect(detected([['X-Signature-Ed25519', 'x']])).toBe('discord');
    expect(detected([['Typeform-Signature', 'x']])).toBe('typeform');
    expect(detected([['X-Gitlab-Token', 'x']])).toBe('gitlab');
    expect(detected([['X-Signature', 'x']])).toBeNull();
    expect(detected([['X-Acme', 'x']], [{ name: 'acme', header: 'X-Acme', algorithm: 'sha256', encoding: 'hex' }])).toBe('acme');
    expect(detected([['Content-Type', 'application/json']])).toBeNull();
  });
});

describe('analyze', () => {
  it('unsigned when no known headers', () => {
    expect(run({ headers: [['Content-Type', 'application/json']] })).toMatchObject({ provider: null, status: 'unsigned', reason: 'no known signature headers' });
  });
  it('no-secret names the flag and the env variable', () => {
    const v = run({ headers: sign(provider('stripe'), STRIPE, { body: EVENT }) });
    expect(v).toMatchObject({ provider: 'stripe', status: 'no-secret', eventType: 'invoice.paid', eventId: 'evt_9' });
    expect(v.reason).toContain('--secret stripe=');
    expect(v.reason).toContain('HOOKDEV_SECRET_STRIPE');
    expect(run({ headers: [['webhook-signature', 'v1,x']] }).reason).toContain('HOOKDEV_SECRET_STANDARD_WEBHOOKS');
  });
  it('valid / invalid with code and reason', () => {
    const headers = sign(provider('stripe'), STRIPE, { body: EVENT });
    expect(run({ headers, secrets: { stripe: [STRIPE] } })).toMatchObject({ status: 'valid', code: null, provider: 'stripe', eventType: 'invoice.paid' });
    const v = run({ headers, secrets: { stripe: ['whsec_other', STRIPE] } });
    expect(v.reason).toMatch(/secret #2/);
    // which secret matched, by its last 4 characters only (kept with the row, shown in the UI's Signature tab)
    expect(v.secretHint).toBe('********cret');
    expect(run({ headers, secrets: { stripe: [STRIPE] } }).secretHint).toBe('********cret');
    expect(run({ headers, secrets: { stripe: ['whsec_nope'] } }).secretHint ?? null).toBeNull();
    const old = run({ headers, secrets: { stripe: [STRIPE] }, now: T + 612 });
    expect(old).toMatchObject({ status: 'invalid', code: 'too_old', reason: 'timestamp too old by 612 s (tolerance 300 s)' });
    expect(run({ headers, secrets: { stripe: [STRIPE] }, now: T + 612, tolerance: 700 }).status).toBe('valid');
    const bad = run({ headers, secrets: { stripe: ['whsec_nope'] } });
    expect(bad).toMatchObject({ status: 'invalid', code: 'no_match' });
    expect(bad.diagnosis).toMatch(/sha256 [0-9a-f]{64}/);
  });
  it('secrets are found under aliases and any case', () => {
    const std = provider('standard-webhooks');
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = sign(std, secret, { body: EVENT });
    expect(run({ headers, secrets: { standard: [secret] } }).status).toBe('valid');
    expect(run({ headers, secrets: { STANDARD_WEBHOOKS: [secret] } }).status).toBe('valid');
  });
  it('`*` secrets apply to whichever provider is detected, after its own', () => {
    const headers = sign(provider('stripe'), STRIPE, { body: EVENT });
    expect(run({ headers, secrets: { '*': [STRIPE] } }).status).toBe('valid');
    expect(run({ headers, secrets: { stripe: ['whsec_x'], '*': [STRIPE] } }).reason).toMatch(/secret #2/);
  });
  it('forced provider; unknown forced provider', () => {
    const headers = sign(provider('intercom'), 'ic', { body: EVENT });
    expect(run({ headers, secrets: { intercom: ['ic'] } }).provider).toBe('github');
    expect(run({ headers, secrets: { intercom: ['ic'] }, provider: 'intercom' })).toMatchObject({ provider: 'intercom', status: 'valid' });
    expect(run({ headers, provider: 'nope' })).toMatchObject({ status: 'invalid', code: 'unknown_provider' });
    expect(run({ headers: [], provider: 'stripe', secrets: { stripe: [STRIPE] } })).toMatchObject({ status: 'invalid', code: 'missing_header' });
  });
  it('recognized sender without a signature: unsigned without secret, invalid with one', () => {
    const headers: Array<[string, string]> = [['X-GitHub-Event', 'push'], ['X-GitHub-Delivery', 'd-1']];
    expect(run({ headers })).toMatchObject({ provider: 'github', status: 'unsigned', eventType: 'push', eventId: 'd-1' });
    expect(run({ headers, secrets: { github: ['s'] } })).toMatchObject({ provider: 'github', status: 'invalid', code: 'missing_header' });
  });
  it('generic definitions: detected, secrets by name or as generic', () => {
    const def: GenericDefinition = { name: 'acme', header: 'X-Acme', algorithm: 'sha256', encoding: 'base64', eventTypeHeader: 'X-Acme-Event' };
    const headers = [...getProvider('acme', [def])!.sign({ body: EVENT, headers: [['X-Acme-Event', 'thing.made']], url: '', method: 'POST', secret: 'k', now: T })];
    expect(run({ headers, generic: [def], secrets: { acme: ['k'] } })).toMatchObject({ provider: 'acme', status: 'valid', eventType: 'thing.made' });
    expect(run({ headers, generic: [def], secrets: { generic: ['k'] } }).status).toBe('valid');
    expect(run({ headers, generic: [def] }).reason).toContain('HOOKDEV_SECRET_ACME');
  });
  it('event type and id per provider', () => {
    const cases: Array<[Array<[string, string]>, string, string | null, string | null]> = [
      [[['X-GitHub-Event', 'issues'], ['X-GitHub-Delivery', 'g1'], ['X-Hub-Signature-256', 'x']], '{}', 'issues', 'g1'],
      [[['webhook-id', 'msg_1'], ['webhook-signature', 'x']], '{"type":"user.created"}', 'user.created', 'msg_1'],
      [[['svix-id', 'msg_2'], ['svix-signature', 'x']], '{"type":"email.sent"}', 'email.sent', 'msg_2'],
      [[['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Webhook-Id', 's1'], ['X-Shopify-Hmac-Sha256', 'x']], '{}', 'orders/create', 's1'],
      [[['Paddle-Signature', 'x']], '{"event_type":"transaction.paid","notification_id":"ntf_1"}', 'transaction.paid', 'ntf_1'],
      [[['Linear-Signature', 'x'], ['Linear-Event', 'Issue'], ['Linear-Delivery', 'l1']], '{}', 'Issue', 'l1'],
      [[['X-Slack-Signature', 'x']], '{"type":"event_callback","event_id":"Ev1"}', 'event_callback', 'Ev1'],
      [[['X-Twilio-Signature', 'x'], ['I-Twilio-Idempotency-Token', 't1']], 'CallStatus=ringing', 'call.ringing', 't1'],
      [[['X-Gitlab-Token', 'x'], ['X-Gitlab-Event', 'Push Hook'], ['Idempotency-Key', 'k1']], '{}', 'Push Hook', 'k1'],
      [[['Typeform-Signature', 'x']], '{"event_type":"form_response","event_id":"t1"}', 'form_response', 't1'],
      [[['Stripe-Signature', 'x']], '{"type":"charge.failed","id":"evt_2"}', 'charge.failed', 'evt_2'],
    ];
    for (const [headers, body, type, id] of cases) {
      const v = run({ headers, body: Buffer.from(body) });
      expect([v.eventType, v.eventId]).toEqual([type, id]);
    }
  });
  it('never prints a whole secret', () => {
    const secret = 'whsec_SuperSecretValue123';
    const headers = sign(provider('stripe'), secret, { body: BODY });
    for (const v of [
      run({ headers, body: Buffer.concat([BODY, Buffer.from('\n')]), secrets: { stripe: [`${secret} `], svix: [secret] } }),
      run({ headers: [['webhook-id', 'm'], ['webhook-timestamp', String(T)], ['webhook-signature', 'v1,x']], secrets: { 'standard-webhooks': ['whsec_%%%%SuperSecret'] } }),
      run({ headers: [['X-Signature-Ed25519', 'ab'.repeat(64)], ['X-Signature-Timestamp', '1']], secrets: { discord: ['SuperSecretValue123'] } }),
    ]) {
      const text = JSON.stringify(v);
      expect(text).not.toContain('SuperSecretValue');
      expect(text).not.toContain('%%%%SuperSecret');
    }
  });
  it('misuse: an empty secret string throws a TypeError', () => {
    expect(() => run({ headers: [['Stripe-Signature', 't=1,v1=00']], secrets: { stripe: [''] } })).toThrow(TypeError);
    expect(() => provider('github').verify({ body: BODY, headers: [], url: '', method: 'POST', secrets: [], now: T })).toThrow(TypeError);
    expect(() => sign(provider('slack'), '')).toThrow(TypeError);
  });
});
