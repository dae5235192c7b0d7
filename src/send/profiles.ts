/**
 * How each provider sends: its sample events, the headers it puts on every delivery (besides the signature,
 * which its `sign` in src/signatures sets), what is unique per event (ids, times), and what audit needs to know
 * (which headers hold the signature, whether a timestamp is signed, how long the provider waits for an answer).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { HeaderList } from '../core/types.js';
import type { GenericDefinition } from '../signatures/types.js';
import type { SetOverride } from './json-edit.js';
import * as S from './samples.js';
import type { SampleEvent } from './samples.js';

/** What one event is stamped with; identical on every retry of it. */
export interface EventStamp {
  /** Body fields to set (unique id, creation time). */
  set: SetOverride[];
  /** Headers besides the signature ones (event name, delivery id, user agent, …). */
  headers: HeaderList;
}

/** How a provider's timestamp is protected, for the stale-timestamp check. */
export type TimestampKind =
  /** Signed in a header: a stale one must be rejected. */
  | 'signed-header'
  /** Signed inside the body (Linear's webhookTimestamp, ms). */
  | 'signed-body'
  /** Signed, but the provider's SDK does not check its age (Discord): a warning, not a failure. */
  | 'signed-unchecked'
  /** No timestamp is signed (GitHub, Shopify, Twilio, …). */
  | 'none';

export interface SendProfile {
  provider: string;
  events: SampleEvent[];
  stamp(nowMs: number, event: SampleEvent): EventStamp;
  /** Headers that carry the signature (removed for the missing-signature check). */
  signatureHeaders: string[];
  timestamp: TimestampKind;
  /** How long the provider waits for an answer before counting a failure (audit's default deadline), seconds. */
  deadlineSeconds: number;
  /** Headers a retry carries (Slack says which retry it is). */
  retryHeaders?(attempt: number, reason: 'http_error' | 'http_timeout'): HeaderList;
  /** Fields that must be fresh on every attempt because the timestamp lives in the signed body (Linear). */
  perAttempt?(nowMs: number): SetOverride[];
  /** Path of the object the event is about (audit's out-of-order check sends two events for one object). */
  objectIdPath?: string[];
  /** Path of the event's creation time in seconds or ms (audit's out-of-order check makes one older). */
  createdPath?: { path: string[]; unit: 's' | 'ms' | 'iso' };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER32 = '0123456789abcdefghjkmnpqrstvwxyz';
const DIGITS = '0123456789';

// Random bytes drawn from a pool: a call into the CSPRNG per id would cost more than building the event.
let pool = Buffer.alloc(0);
let poolAt = 0;

/** Random text from an alphabet (ids only need to be unique, not secret). */
export function randomText(n: number, alphabet = ALNUM): string {
  if (poolAt + n > pool.length) {
    pool = randomBytes(Math.max(4096, n));
    poolAt = 0;
  }
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[pool[poolAt + i]! % alphabet.length];
  poolAt += n;
  return out;
}

/**
 * An id that sorts by creation time, as Stripe's (`evt_1…`) and Svix's (KSUID-style `msg_…`) do: a fixed-width
 * base62 millisecond clock, then random text. Besides realism it keeps the history's event-id index appending
 * under load instead of touching a random page per row.
 */
export function timeOrderedText(nowMs: number, n: number): string {
  let t = Math.max(0, Math.floor(nowMs));
  let clock = '';
  for (let i = 0; i < 7; i++) {
    clock = ALNUM_SORTED[t % 62]! + clock;
    t = Math.floor(t / 62);
  }
  return clock + randomText(Math.max(0, n - 7));
}

/** Base62 digits in ASCII order, so ids compare like their clocks. */
const ALNUM_SORTED = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const str = (v: string): string => JSON.stringify(v);
const iso = (ms: number): string => new Date(ms).toISOString();
const secs = (ms: number): number => Math.floor(ms / 1000);
const set = (path: string, value: string): SetOverride => ({ path: path.split('.'), value });

const stripe: SendProfile = {
  provider: 'stripe',
  events: S.STRIPE,
  stamp: (now) => ({
    set: [set('id', str(`evt_1${timeOrderedText(now, 23)}`)), set('created', String(secs(now)))],
    headers: [
      ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
      ['Accept', '*/*; q=0.5, application/xml'],
      ['Cache-Control', 'no-cache'],
    ],
  }),
  signatureHeaders: ['Stripe-Signature'],
  timestamp: 'signed-header',
  deadlineSeconds: 10,
  objectIdPath: ['data', 'object', 'id'],
  createdPath: { path: ['created'], unit: 's' },
};

const github: SendProfile = {
  provider: 'github',
  events: S.GITHUB,
  stamp: (_now, event) => ({
    set: [],
    headers: [
      ['Accept', '*/*'],
      ['User-Agent', `GitHub-Hookshot/${randomText(7, '0123456789abcdef')}`],
      ['X-GitHub-Delivery', randomUUID()],
      ['X-GitHub-Event', event.type],
      ['X-GitHub-Hook-ID', '471234567'],
      ['X-GitHub-Hook-Installation-Target-ID', '786512345'],
      ['X-GitHub-Hook-Installation-Target-Type', 'repository'],
      // GitHub sends the legacy SHA-1 header too; github.sign fills both.
      ['X-Hub-Signature', ''],
    ],
  }),
  signatureHeaders: ['X-Hub-Signature-256', 'X-Hub-Signature'],
  timestamp: 'none',
  deadlineSeconds: 10,
};

const standardHeaders = (idHeader: string) => (now: number, event: SampleEvent): EventStamp => ({
  set: event.type === 'user.created'
    ? [set('timestamp', str(iso(now))), set('data.created_at', str(iso(now)))]
    : [set('timestamp', str(iso(now)))],
  headers: [
    ['User-Agent', 'Svix-Webhooks/1.0 (sender)'],
    [idHeader, `msg_${timeOrderedText(now, 27)}`],
  ],
});

const standardWebhooks: SendProfile = {
  provider: 'standard-webhooks',
  events: S.STANDARD_WEBHOOKS,
  stamp: standardHeaders('webhook-id'),
  signatureHeaders: ['webhook-signature'],
  timestamp: 'signed-header',
  deadlineSeconds: 15,
  objectIdPath: ['data', 'id'],
  createdPath: { path: ['timestamp'], unit: 'iso' },
};

const svix: SendProfile = {
  ...standardWebhooks,
  provider: 'svix',
  events: S.SVIX,
  stamp: standardHeaders('svix-id'),
  signatureHeaders: ['svix-signature'],
};

const slack: SendProfile = {
  provider: 'slack',
  events: S.SLACK,
  stamp: (now, event) => ({
    set: event.type === 'event_callback'
      ? [set('event_id', str(`Ev${randomText(9, UPPER_ALNUM)}`)), set('event_time', String(secs(now)))]
      : [set('challenge', str(randomText(52)))],
    headers: [['User-Agent', 'Slackbot 1.0 (+https://api.slack.com/robots)'], ['Accept', '*/*']],
  }),
  signatureHeaders: ['X-Slack-Signature'],
  timestamp: 'signed-header',
  deadlineSeconds: 3,
  retryHeaders: (attempt, reason) => [['X-Slack-Retry-Num', String(attempt - 1)], ['X-Slack-Retry-Reason', reason]],
  objectIdPath: ['event', 'channel'],
  createdPath: { path: ['event_time'], unit: 's' },
};

const shopify: SendProfile = {
  provider: 'shopify',
  events: S.SHOPIFY,
  stamp: (now, event) => ({
    set: [set('created_at', str(iso(now)))],
    headers: [
      ['User-Agent', 'Shopify-Captain-Hook'],
      ['Accept', '*/*'],
      ['X-Shopify-Topic', event.type],
      ['X-Shopify-Shop-Domain', 'hookdev-test.myshopify.com'],
      ['X-Shopify-API-Version', '2024-07'],
      ['X-Shopify-Webhook-Id', randomUUID()],
      ['X-Shopify-Event-Id', randomUUID()],
      ['X-Shopify-Triggered-At', iso(now)],
    ],
  }),
  signatureHeaders: ['X-Shopify-Hmac-Sha256'],
  timestamp: 'none',
  deadlineSeconds: 5,
  objectIdPath: ['id'],
};

const twilio: SendProfile = {
  provider: 'twilio',
  events: S.TWILIO,
  stamp: () => {
    const sid = `SM${randomText(32, '0123456789abcdef')}`;
    return {
      set: [set('MessageSid', str(sid)), set('SmsSid', str(sid))],
      headers: [
        ['User-Agent', 'TwilioProxy/1.1'],
        ['Accept', '*/*'],
        ['I-Twilio-Idempotency-Token', randomUUID()],
      ],
    };
  },
  signatureHeaders: ['X-Twilio-Signature'],
  timestamp: 'none',
  deadlineSeconds: 15,
};

const paddle: SendProfile = {
  provider: 'paddle',
  events: S.PADDLE,
  stamp: (now) => ({
    set: [
      set('event_id', str(`evt_01${randomText(24, LOWER32)}`)),
      set('notification_id', str(`ntf_01${randomText(24, LOWER32)}`)),
      set('occurred_at', str(iso(now))),
    ],
    headers: [['User-Agent', 'Paddle']],
  }),
  signatureHeaders: ['Paddle-Signature'],
  timestamp: 'signed-header',
  deadlineSeconds: 5,
  objectIdPath: ['data', 'id'],
  createdPath: { path: ['occurred_at'], unit: 'iso' },
};

const linear: SendProfile = {
  provider: 'linear',
  events: S.LINEAR,
  stamp: (now, event) => ({
    set: [set('createdAt', str(iso(now))), set('webhookTimestamp', String(now))],
    headers: [['User-Agent', 'Linear-Webhook'], ['Linear-Delivery', randomUUID()], ['Linear-Event', event.type]],
  }),
  signatureHeaders: ['Linear-Signature'],
  timestamp: 'signed-body',
  deadlineSeconds: 5,
  // The timestamp is inside the signed body and checked within ±60 s: a retry carries a fresh one.
  perAttempt: (now) => [set('webhookTimestamp', String(now))],
  objectIdPath: ['data', 'id'],
  createdPath: { path: ['createdAt'], unit: 'iso' },
};

const square: SendProfile = {
  provider: 'square',
  events: S.SQUARE,
  stamp: (now) => ({
    set: [set('event_id', str(randomUUID())), set('created_at', str(iso(now)))],
    headers: [['User-Agent', 'Square Connect v2'], ['Square-Version', '2024-07-17'], ['Square-Environment', 'Sandbox']],
  }),
  signatureHeaders: ['X-Square-HmacSha256-Signature'],
  timestamp: 'none',
  deadlineSeconds: 10,
  objectIdPath: ['data', 'id'],
  createdPath: { path: ['created_at'], unit: 'iso' },
};

// Zoom's only event id is event_ts (ms): kept strictly increasing so events built in the same ms stay distinct.
let lastZoomTs = 0;
const zoomTs = (now: number): string => String((lastZoomTs = Math.max(now, lastZoomTs + 1)));

const zoom: SendProfile = {
  provider: 'zoom',
  events: S.ZOOM,
  stamp: (now, event) => ({
    set: event.type === 'endpoint.url_validation'
      ? [set('event_ts', zoomTs(now)), set('payload.plainToken', str(randomText(22)))]
      : [set('event_ts', zoomTs(now))],
    headers: [['User-Agent', 'Zoom Marketplace/1.0a'], ['x-zm-trackingid', `v=2.0&s=${Date.now()}&rid=${randomText(16)}`]],
  }),
  signatureHeaders: ['x-zm-signature'],
  timestamp: 'signed-header',
  deadlineSeconds: 3,
  objectIdPath: ['payload', 'object', 'id'],
  createdPath: { path: ['event_ts'], unit: 'ms' },
};

const typeform: SendProfile = {
  provider: 'typeform',
  events: S.TYPEFORM,
  stamp: (now) => ({
    set: [set('event_id', str(`01${randomText(24, '0123456789ABCDEFGHJKMNPQRSTVWXYZ')}`)), set('form_response.submitted_at', str(iso(now)))],
    headers: [['User-Agent', 'Typeform Webhooks']],
  }),
  signatureHeaders: ['Typeform-Signature'],
  timestamp: 'none',
  deadlineSeconds: 30,
  objectIdPath: ['form_response', 'form_id'],
};

const intercom: SendProfile = {
  provider: 'intercom',
  events: S.INTERCOM,
  stamp: (now) => ({
    set: [set('id', str(`notif_${randomUUID()}`)), set('created_at', String(secs(now))), set('first_sent_at', String(secs(now)))],
    headers: [['User-Agent', 'intercom-parrot-service-rs']],
  }),
  signatureHeaders: ['X-Hub-Signature'],
  timestamp: 'none',
  deadlineSeconds: 5,
  objectIdPath: ['data', 'item', 'id'],
  createdPath: { path: ['created_at'], unit: 's' },
};

const gitlab: SendProfile = {
  provider: 'gitlab',
  events: S.GITLAB,
  stamp: () => {
    const uuid = randomUUID();
    return {
      set: [],
      headers: [
        ['User-Agent', 'GitLab/17.5.0'],
        ['X-Gitlab-Event', 'Push Hook'],
        ['X-Gitlab-Webhook-UUID', '0a6e6ab1-2d5b-4c4c-9b38-3f1c0c4a8e21'],
        ['X-Gitlab-Instance', 'https://gitlab.example.com'],
        ['X-Gitlab-Event-UUID', uuid],
        ['Idempotency-Key', uuid],
      ],
    };
  },
  signatureHeaders: ['X-Gitlab-Token'],
  timestamp: 'none',
  deadlineSeconds: 10,
};

const discord: SendProfile = {
  provider: 'discord',
  events: S.DISCORD,
  stamp: () => ({
    set: [set('id', str(`11${randomText(17, DIGITS)}`))],
    headers: [['User-Agent', 'Discord-Interactions/1.0 (+https://discord.com)']],
  }),
  signatureHeaders: ['X-Signature-Ed25519'],
  timestamp: 'signed-unchecked',
  deadlineSeconds: 3,
};

/** A config-defined (or the default) generic HMAC scheme. */
export function genericProfile(def: GenericDefinition): SendProfile {
  return {
    provider: def.name,
    events: S.GENERIC,
    stamp: (now, event) => {
      const id = `evt_${randomText(24)}`;
      const headers: HeaderList = [['User-Agent', 'hookdev-send']];
      if (def.eventTypeHeader) headers.push([def.eventTypeHeader, event.type]);
      if (def.eventIdHeader) headers.push([def.eventIdHeader, id]);
      return { set: [set('id', str(id)), set('created', String(secs(now)))], headers };
    },
    signatureHeaders: [def.header],
    timestamp: def.timestampHeader && (def.template ?? '').includes('{timestamp}') ? 'signed-header' : 'none',
    deadlineSeconds: 10,
    objectIdPath: ['id'],
    createdPath: { path: ['created'], unit: 's' },
  };
}

const PROFILES: readonly SendProfile[] = [
  stripe, github, standardWebhooks, svix, slack, shopify, twilio, paddle, linear, square, zoom, typeform, intercom, gitlab, discord,
];

/** The built-in profile for a canonical provider id, if any (generic schemes: genericProfile). */
export function builtinProfile(provider: string): SendProfile | undefined {
  return PROFILES.find((p) => p.provider === provider);
}

export const builtinProfileNames: readonly string[] = PROFILES.map((p) => p.provider);
