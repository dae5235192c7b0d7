/**
 * Build events and sign attempts: an event (body + its headers, unique id and time) is built once; every attempt
 * of it is signed afresh with the attempt's time. Bodies are edited at the token level (json-edit.ts), never
 * parsed and re-encoded.
 */
import { setHeader } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';
import type { OutgoingRequest } from '../forward/exchange.js';
import { withBodySha256 } from '../signatures/index.js';
import type { Provider } from '../signatures/types.js';
import { applyOverride, isForm, pathSpan, type SetOverride } from './json-edit.js';
import type { SendProfile } from './profiles.js';
import type { SampleEvent } from './samples.js';

/** Everything needed to make and sign events of one kind. */
export interface SendSpec {
  provider: Provider;
  profile: SendProfile;
  /** The sample used, or null for a body the user gave (sent as given, plus `--set`). */
  sample: SampleEvent | null;
  /** The user's body (`--body`, `--body-file`) when there is no sample. */
  body: Buffer | null;
  contentType: string;
  overrides: SetOverride[];
  /** `-H` headers: set before signing (so the signature sees them) and again after (so they win). */
  headers: HeaderList;
  secret: string;
  /** Where events go, exactly as given. */
  url: string;
  method: string;
}

/** One event, identical on every retry and every duplicate of it. */
export interface BuiltEvent {
  seq: number;
  body: Buffer;
  headers: HeaderList;
  /** The URL it goes to (Twilio JSON: with `bodySHA256`). */
  url: string;
  eventType: string | null;
  eventId: string | null;
  /** Set on a planned duplicate: the seq of the event it repeats. */
  duplicateOf: number | null;
}

/**
 * A sample with the user's overrides applied once, and where each stamped field sits in it: under load every
 * event is then a splice of a few values into fixed text, not a rescan of the JSON.
 */
interface Template {
  base: string;
  /** Span of each stamp path in `base` (key: the dotted path), null when a path is missing. */
  spans: Map<string, [number, number] | null>;
}

const templates = new WeakMap<SendSpec, Template>();

function templateOf(spec: SendSpec, sample: SampleEvent): Template {
  let t = templates.get(spec);
  if (!t) {
    let base = sample.body;
    for (const o of spec.overrides) base = applyOverride(base, spec.contentType, o);
    t = { base, spans: new Map() };
    templates.set(spec, t);
  }
  return t;
}

/** The user's overrides win over stamped fields (an override of `id` keeps that id). */
const overridden = (spec: SendSpec, path: string[]): boolean =>
  spec.overrides.some((o) => o.path.length <= path.length && o.path.every((p, i) => p === path[i]));

/** Fast path for JSON samples: splice the stamped values into the template; null when it does not apply. */
function spliced(spec: SendSpec, sample: SampleEvent, stampSet: SetOverride[]): Buffer | null {
  if (isForm(spec.contentType)) return null;
  const t = templateOf(spec, sample);
  const edits: Array<[number, number, string]> = [];
  for (const o of stampSet) {
    if (overridden(spec, o.path)) continue;
    const key = o.path.join('.');
    let span = t.spans.get(key);
    if (span === undefined) {
      span = pathSpan(t.base, o.path);
      t.spans.set(key, span);
    }
    if (span === null) return null;
    edits.push([span[0], span[1], o.value]);
  }
  edits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end, value] of edits) {
    if (start < at) return null; // nested stamp paths: take the slow path
    out += t.base.slice(at, start) + value;
    at = end;
  }
  return Buffer.from(out + t.base.slice(at), 'utf8');
}

/** The body text of a new event: the sample stamped with its unique fields, then the user's overrides. */
function bodyOf(spec: SendSpec, stampSet: SetOverride[]): Buffer {
  if (spec.sample) {
    const fast = spliced(spec, spec.sample, stampSet);
    if (fast) return fast;
    let text = spec.sample.body;
    for (const o of stampSet) text = applyOverride(text, spec.contentType, o);
    for (const o of spec.overrides) text = applyOverride(text, spec.contentType, o);
    return Buffer.from(text, 'utf8');
  }
  const body = spec.body ?? Buffer.alloc(0);
  if (spec.overrides.length === 0) return body;
  let text = body.toString('utf8');
  for (const o of spec.overrides) text = applyOverride(text, spec.contentType, o);
  return Buffer.from(text, 'utf8');
}

/** A fresh event (new id, creation time `nowMs`). */
export function buildEvent(spec: SendSpec, seq: number, nowMs: number): BuiltEvent {
  const stamp = spec.profile.stamp(nowMs, spec.sample ?? { type: 'custom', description: '', contentType: spec.contentType, body: '' });
  const body = bodyOf(spec, spec.sample ? stamp.set : []);
  let headers: HeaderList = [['Content-Type', spec.contentType], ...stamp.headers];
  for (const [k, v] of spec.headers) headers = setHeader(headers, k, v);
  const url = spec.provider.name === 'twilio' && !isForm(spec.contentType) ? withBodySha256(spec.url, body) : spec.url;
  let info = { eventType: null as string | null, eventId: null as string | null };
  try {
    info = spec.provider.eventInfo(headers, body);
  } catch {
    // event info is a label; a body it cannot read still goes out
  }
  return { seq, body, headers, url, eventType: info.eventType, eventId: info.eventId, duplicateOf: null };
}

/** What to change when signing one attempt; audit uses the same function with other choices. */
export interface SignOptions {
  /** Unix ms the signature's timestamp is taken from. */
  nowMs: number;
  attempt: number;
  retryReason?: 'http_error' | 'http_timeout';
  /** Sign with this secret instead (audit: wrong secret). */
  secret?: string;
}

/** One attempt of an event, signed now: same id and body, fresh timestamp and signature. */
export function signAttempt(spec: SendSpec, ev: BuiltEvent, o: SignOptions): OutgoingRequest {
  let body = ev.body;
  if (spec.sample && spec.profile.perAttempt) {
    // Linear: the timestamp is inside the signed body, so it is refreshed with the signature.
    let text = body.toString('utf8');
    for (const p of spec.profile.perAttempt(o.nowMs)) text = applyOverride(text, spec.contentType, p);
    body = Buffer.from(text, 'utf8');
  }
  let headers = ev.headers;
  if (o.attempt > 1 && spec.profile.retryHeaders) {
    for (const [k, v] of spec.profile.retryHeaders(o.attempt, o.retryReason ?? 'http_error')) headers = setHeader(headers, k, v);
  }
  headers = spec.provider.sign({
    body,
    headers,
    url: ev.url,
    method: spec.method,
    secret: o.secret ?? spec.secret,
    now: Math.floor(o.nowMs / 1000),
  });
  // A placeholder the provider did not fill (no legacy header for this scheme) is not sent empty.
  headers = headers.filter(([, v]) => v !== '');
  for (const [k, v] of spec.headers) headers = setHeader(headers, k, v);
  return { url: ev.url, method: spec.method, headers, body };
}
