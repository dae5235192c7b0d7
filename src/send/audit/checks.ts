/**
 * `hookdev audit`: a battery of crafted, signed requests against one endpoint, each graded pass / warn / fail /
 * skip with what was sent, what came back and why. Built from send's parts: events (message.ts), signing per
 * attempt, the exchange, and the history.
 */
import { randomBytes } from 'node:crypto';
import { removeHeaders, setHeader } from '../../core/headers.js';
import type { Exchange, OutgoingRequest } from '../../forward/exchange.js';
import { firstNumberSpan, isForm, respace, setFormParam, setJsonPath } from '../json-edit.js';
import { buildEvent, signAttempt, type BuiltEvent, type SendSpec } from '../message.js';
import { percentile, type SendHistory } from '../sender.js';
import { hintFor, type FailureKind } from './hints.js';
import { CHECK_NAMES, type CheckName } from './names.js';

export { CHECK_NAMES, type CheckName };
export type Grade = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: CheckName;
  grade: Grade;
  /** What was sent, in a few words. */
  sent: string;
  /** The status of the answer that decided the grade (null: none). */
  status: number | null;
  durationMs: number | null;
  /** Why it passes, warns, fails or was skipped. */
  reason: string;
  hint: string | null;
  /** History ids of the requests this check sent. */
  requestIds: number[];
  /** Extra figures (latency percentiles, probe answers). */
  detail?: Record<string, unknown> | undefined;
}

export interface AuditOptions {
  /** A valid event must get its 2xx within this (the provider's timeout). */
  deadlineMs: number;
  /** Slower than this (but within the deadline) warns: answer fast, process later. */
  fastMs: number;
  concurrency: number;
  /** The oversized body is larger than this. */
  maxBody: number;
  checks: CheckName[];
}

export interface AuditDeps {
  now(): number;
  exchange(req: OutgoingRequest, timeoutMs: number): Promise<Exchange>;
  history?: SendHistory;
  /** GET the developer's `--probe-url` (after the duplicate check). */
  probe?: () => Promise<{ status: number | null; body: string }>;
}

/** Order of execution: the oversized body last, since it may take the endpoint down. */
const RUN_ORDER: readonly CheckName[] = [...CHECK_NAMES.filter((c) => c !== 'oversized-body'), 'oversized-body'];

/** The reasons a check is skipped after the first request (`not run: …`); audit's last line reads them. */
export const NOTHING_ANSWERS = 'nothing answers';
export const NO_ANSWER_WITHIN = 'no answer within';

/** Later checks judge the answer, not its speed (accepts-valid does): they wait at least this long. */
const ANSWER_WAIT_MS = 30_000;

interface Sent {
  result: Exchange;
  requestId: number | null;
}

const is2xx = (s: number | null): boolean => s !== null && s >= 200 && s < 300;
const is4xx = (s: number | null): boolean => s !== null && s >= 400 && s < 500;
const fmtMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`);

function answerText(r: Exchange): string {
  return r.status === null ? (r.failure === 'timeout' ? 'no answer in time' : `no answer (${r.error ?? 'connection failed'})`) : `${r.status}`;
}

/** Flip one character in the middle of the signature (the longest base64/hex run of the header value). */
export function corruptSignature(value: string): string {
  let best: [number, number] = [0, 0];
  for (const m of value.matchAll(/[A-Za-z0-9+/_-]+/g)) if (m[0].length > best[1] - best[0]) best = [m.index!, m.index! + m[0].length];
  if (best[1] === best[0]) return value + 'x';
  const i = Math.floor((best[0] + best[1]) / 2);
  const c = value[i]!;
  const swap = /\d/.test(c) ? String((Number(c) + 1) % 10) : /[a-y]/i.test(c) ? String.fromCharCode(c.charCodeAt(0) + 1) : /[zZ]/.test(c) ? (c === 'z' ? 'a' : 'A') : c === '+' ? '/' : '+';
  return value.slice(0, i) + swap + value.slice(i + 1);
}

/** A secret of the same form that is not this one. */
export function otherSecret(provider: string, secret: string): string {
  if (provider === 'discord') return randomBytes(32).toString('hex');
  const m = /^(whsec_|whsk_)/.exec(secret);
  if (m) return m[1] + randomBytes(m[1] === 'whsk_' ? 32 : 24).toString('base64');
  return `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}-other`;
}

/** One value of the body changed: the last digit of the first number (else the first string) in JSON, the first form value. */
export function tamper(body: Buffer, contentType: string): Buffer | null {
  const text = body.toString('utf8');
  if (isForm(contentType)) {
    const eq = text.indexOf('=');
    if (eq === -1 || eq + 1 >= text.length || text[eq + 1] === '&') return null;
    const c = text[eq + 1]!;
    return Buffer.from(text.slice(0, eq + 1) + (c === 'X' ? 'Y' : 'X') + text.slice(eq + 2), 'utf8');
  }
  const span = firstNumberSpan(text);
  if (span) {
    const last = span[1] - 1;
    const d = text[last]!;
    return Buffer.from(text.slice(0, last) + String((Number(d) + 1) % 10) + text.slice(last + 1), 'utf8');
  }
  // No number: change the first letter or digit of the first string value instead.
  const str = firstNumberSpan(text, 'string');
  if (!str) return null;
  const i = str[0] + 1;
  const c = text[i]!;
  const swap = c === 'X' ? 'Y' : c === '\\' ? null : 'X';
  if (swap === null) return null;
  return Buffer.from(text.slice(0, i) + swap + text.slice(i + 1), 'utf8');
}

/** A body over `size` bytes: the sample with a padding field (JSON) or parameter (form), still well-formed. */
export function oversized(body: Buffer, contentType: string, size: number): Buffer {
  const pad = 'x'.repeat(Math.max(0, size + 1 - body.length));
  const text = body.toString('utf8');
  if (isForm(contentType)) return Buffer.from(setFormParam(text, 'hookdev_padding', pad), 'utf8');
  try {
    return Buffer.from(setJsonPath(text, ['hookdev_padding'], JSON.stringify(pad)), 'utf8');
  } catch {
    return Buffer.concat([body, Buffer.from(pad)]);
  }
}

export async function runAudit(spec: SendSpec, opts: AuditOptions, deps: AuditDeps, onResult: (r: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  let seq = 0;
  const fresh = (): BuiltEvent => buildEvent(spec, ++seq, deps.now());
  const signed = (ev: BuiltEvent, o: { nowMs?: number; secret?: string } = {}): OutgoingRequest =>
    signAttempt(spec, ev, { nowMs: o.nowMs ?? deps.now(), attempt: 1, secret: o.secret });
  const waitMs = Math.max(opts.deadlineMs, ANSWER_WAIT_MS);
  const provider = spec.provider.name;
  const profile = spec.profile;

  // Why the later checks are not run, when the first request showed they could only repeat it: nothing listens,
  // or the handler kept the first request without answering (each later check would wait 30 s for the same).
  let notRun: string | null = null;
  let sentAny = false;
  const send = async (ev: BuiltEvent, req: OutgoingRequest, timeoutMs = waitMs): Promise<Sent> => {
    const sentAt = deps.now();
    const result = await deps.exchange(req, timeoutMs);
    if (!sentAny && result.failure === 'unreachable') notRun = `${NOTHING_ANSWERS} (${result.error ?? 'connection failed'})`;
    if (!sentAny && result.failure === 'timeout') notRun = `${NO_ANSWER_WITHIN} ${fmtMs(timeoutMs)} to the first request`;
    sentAny = true;
    // One attempt per crafted request: its row, delivery and status are written together.
    const requestId = deps.history ? await deps.history.event(ev, req, sentAt, result, true) : null;
    return { result, requestId };
  };
  const ids = (...s: Sent[]): number[] => s.map((x) => x.requestId).filter((x): x is number => x !== null);

  // A rejection check passes only on 4xx; it means little when the valid event was refused too.
  let baselineRefused = false;
  const rejection = (check: CheckName, sent: string, s: Sent, wanted: string): CheckResult => {
    const r = s.result;
    const base = { check, sent, status: r.status, durationMs: r.durationMs, requestIds: ids(s) };
    if (is4xx(r.status)) {
      if (baselineRefused) {
        return { ...base, grade: 'warn', reason: `got ${r.status}, but the valid event was refused too, so this proves nothing`, hint: null };
      }
      return { ...base, grade: 'pass', reason: `got ${r.status}: ${wanted} is refused`, hint: null };
    }
    const kind: FailureKind = is2xx(r.status) ? 'accepted' : r.status === null ? 'no-answer' : r.status >= 500 ? 'server-error' : 'refused';
    const reason =
      kind === 'accepted'
        ? `got ${r.status}: ${wanted} was accepted`
        : kind === 'server-error'
          ? `got ${r.status}: an error path, not a rejection (the sender retries a 5xx)`
          : kind === 'no-answer'
            ? `${answerText(r)}: ${wanted} should get a 4xx`
            : `got ${r.status}: expected a 4xx`;
    return { ...base, grade: 'fail', reason, hint: hintFor(check, kind, provider) };
  };

  const runners: Record<CheckName, () => Promise<CheckResult>> = {
    'accepts-valid': async () => {
      const ev = fresh();
      const s = await send(ev, signed(ev), opts.deadlineMs);
      const r = s.result;
      const base = { check: 'accepts-valid' as const, sent: `a correctly signed ${ev.eventType ?? 'event'}`, status: r.status, durationMs: r.durationMs, requestIds: ids(s) };
      if (r.status !== null && !is2xx(r.status)) baselineRefused = true;
      if (r.failure === 'unreachable') {
        return { ...base, grade: 'fail', reason: `${answerText(r)}: nothing listens at the URL`, hint: 'start the handler, or check the URL and port' };
      }
      if (!is2xx(r.status)) {
        const kind: FailureKind = r.status === null ? 'no-answer' : r.status >= 500 ? 'server-error' : 'refused';
        const reason = r.status === null
          ? `${answerText(r)} within the ${fmtMs(opts.deadlineMs)} deadline: the provider counts that as a failure and retries`
          : `got ${r.status} for a valid event`;
        return { ...base, grade: 'fail', reason, hint: hintFor('accepts-valid', kind, provider) };
      }
      if (r.durationMs > opts.fastMs) {
        return { ...base, grade: 'warn', reason: `got ${r.status} after ${fmtMs(r.durationMs)}, slower than --fast ${fmtMs(opts.fastMs)}`, hint: hintFor('accepts-valid', 'slow', provider) };
      }
      return { ...base, grade: 'pass', reason: `got ${r.status} in ${fmtMs(r.durationMs)} (deadline ${fmtMs(opts.deadlineMs)})`, hint: null };
    },
    'rejects-bad-signature': async () => {
      const ev = fresh();
      const req = signed(ev);
      const name = profile.signatureHeaders.find((h) => req.headers.some(([k]) => k.toLowerCase() === h.toLowerCase()))!;
      const value = req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())![1];
      const s = await send(ev, { ...req, headers: setHeader(req.headers, name, corruptSignature(value)) });
      return rejection('rejects-bad-signature', `the valid event with one character of ${name} changed`, s, 'a forged signature');
    },
    'rejects-missing-signature': async () => {
      const ev = fresh();
      const req = signed(ev);
      const s = await send(ev, { ...req, headers: removeHeaders(req.headers, profile.signatureHeaders) });
      return rejection('rejects-missing-signature', `the valid event without ${profile.signatureHeaders.join(' / ')}`, s, 'an unsigned request');
    },
    'rejects-wrong-secret': async () => {
      const ev = fresh();
      const s = await send(ev, signed(ev, { secret: otherSecret(provider, spec.secret) }));
      return rejection('rejects-wrong-secret', 'the event signed with another secret', s, 'a signature made with another secret');
    },
    'rejects-stale-timestamp': async () => {
      const sent = 'the event validly signed with a timestamp 10 minutes old';
      if (profile.timestamp === 'none') {
        return {
          check: 'rejects-stale-timestamp', grade: 'skip', sent: 'nothing', status: null, durationMs: null, requestIds: [], hint: null,
          reason: `${provider} signs no timestamp, so replays cannot be refused by age (deduplicate by event id instead)`,
        };
      }
      const ev = fresh();
      const s = await send(ev, signed(ev, { nowMs: deps.now() - 10 * 60_000 }));
      if (profile.timestamp === 'signed-unchecked' && is2xx(s.result.status)) {
        return {
          check: 'rejects-stale-timestamp', grade: 'warn', sent, status: s.result.status, durationMs: s.result.durationMs, requestIds: ids(s),
          reason: `got ${s.result.status}: ${provider}'s official library does not check the timestamp's age either; refusing old ones stops replays`,
          hint: hintFor('rejects-stale-timestamp', 'accepted', provider),
        };
      }
      return rejection('rejects-stale-timestamp', sent, s, 'a replayed (10-minute-old) request');
    },
    'rejects-reserialized-body': async () => {
      const ev = fresh();
      const req = signed(ev);
      const other = isForm(spec.contentType) ? null : respace(req.body.toString('utf8'));
      if (other === null) {
        return {
          check: 'rejects-reserialized-body', grade: 'skip', sent: 'nothing', status: null, durationMs: null, requestIds: [], hint: null,
          reason: 'the body is not JSON, so there is no other spacing of it to send',
        };
      }
      const compact = !/\n/.test(other);
      const s = await send(ev, { ...req, body: Buffer.from(other, 'utf8') });
      return rejection(
        'rejects-reserialized-body',
        `the same JSON ${compact ? 'compacted' : 'pretty-printed'}, with the signature of the original bytes`,
        s,
        'a body that is not the signed bytes',
      );
    },
    'rejects-tampered-body': async () => {
      const ev = fresh();
      const req = signed(ev);
      const body = tamper(req.body, spec.contentType);
      if (!body) {
        return {
          check: 'rejects-tampered-body', grade: 'skip', sent: 'nothing', status: null, durationMs: null, requestIds: [], hint: null,
          reason: 'found no value in the body to change',
        };
      }
      const s = await send(ev, { ...req, body });
      return rejection('rejects-tampered-body', 'the event with one value changed, signature kept', s, 'a tampered body');
    },
    'idempotent-duplicate': async () => {
      const ev = fresh();
      const probes: Array<{ status: number | null; body: string }> = [];
      if (deps.probe) probes.push(await deps.probe());
      const a = await send(ev, signed(ev));
      if (deps.probe) probes.push(await deps.probe());
      const b = await send(ev, signed(ev));
      if (deps.probe) probes.push(await deps.probe());
      const base = { check: 'idempotent-duplicate' as const, sent: `one event (${ev.eventId ?? 'same id'}) twice, same id and body`, status: b.result.status, durationMs: b.result.durationMs, requestIds: ids(a, b) };
      const detail = deps.probe ? { probe: probes.map((p) => ({ status: p.status, body: p.body.slice(0, 200) })) } : undefined;
      if (!is2xx(a.result.status) || !is2xx(b.result.status)) {
        const bad = is2xx(a.result.status) ? b : a;
        const kind: FailureKind = bad.result.status === null ? 'no-answer' : bad.result.status >= 500 ? 'server-error' : 'refused';
        return { ...base, grade: 'fail', detail, reason: `first ${answerText(a.result)}, duplicate ${answerText(b.result)}: a repeat must get 2xx too, or the sender keeps retrying it`, hint: hintFor('idempotent-duplicate', kind, provider) };
      }
      if (deps.probe) {
        const [before, afterFirst, afterDup] = probes.map((p) => p.body.trim());
        const line = `probe: before ${JSON.stringify(before)}, after the first ${JSON.stringify(afterFirst)}, after the duplicate ${JSON.stringify(afterDup)}`;
        if (afterFirst !== afterDup) {
          return { ...base, grade: 'warn', detail, reason: `both got 2xx, but the probe changed after the duplicate: processed twice? (${line})`, hint: hintFor('idempotent-duplicate', 'accepted', provider) };
        }
        return { ...base, grade: 'pass', detail, reason: `both got 2xx; ${line}`, hint: null };
      }
      return { ...base, grade: 'pass', reason: 'both got 2xx (side effects cannot be seen from outside: pass --probe-url to compare a count before and after)', hint: null };
    },
    'out-of-order': async () => {
      const newer = fresh();
      let older = fresh();
      const cp = profile.createdPath;
      let how = 'two events (no creation time in this body to make one older)';
      if (cp && spec.sample) {
        const t = deps.now() - 60_000;
        const value = cp.unit === 's' ? String(Math.floor(t / 1000)) : cp.unit === 'ms' ? String(t) : JSON.stringify(new Date(t).toISOString());
        try {
          older = { ...older, body: Buffer.from(setJsonPath(older.body.toString('utf8'), cp.path, value), 'utf8') };
          how = `an event about ${profile.objectIdPath ? profile.objectIdPath.join('.') : 'the same object'} created a minute earlier, after a newer one`;
        } catch {
          // keep the two plain events
        }
      }
      const a = await send(newer, signed(newer));
      const b = await send(older, signed(older));
      const base = { check: 'out-of-order' as const, sent: how, status: b.result.status, durationMs: b.result.durationMs, requestIds: ids(a, b) };
      if (is2xx(a.result.status) && is2xx(b.result.status)) return { ...base, grade: 'pass', reason: 'both got 2xx', hint: null };
      const bad = is2xx(a.result.status) ? b.result : a.result;
      const kind: FailureKind = bad.status === null ? 'no-answer' : bad.status >= 500 ? 'server-error' : 'refused';
      return { ...base, grade: 'fail', reason: `newer ${answerText(a.result)}, older ${answerText(b.result)}: events arrive in any order and each needs a 2xx`, hint: hintFor('out-of-order', kind, provider) };
    },
    'oversized-body': async () => {
      const ev0 = fresh();
      const big = { ...ev0, body: oversized(ev0.body, spec.contentType, opts.maxBody) };
      const size = big.body.length;
      const mb = size >= 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MB` : `${Math.round(size / 1024)} KB`;
      const s = await send(big, signed(big));
      const next = fresh();
      const after = await send(next, signed(next));
      const r = s.result;
      const base = { check: 'oversized-body' as const, sent: `a validly signed ${mb} body (over --max-body), then a valid event`, status: r.status, durationMs: r.durationMs, requestIds: ids(s, after) };
      if (!is2xx(after.result.status)) {
        return { ...base, grade: 'fail', reason: `big body: ${answerText(r)}; the valid event right after: ${answerText(after.result)}: the endpoint did not survive it`, hint: hintFor('oversized-body', 'no-answer', provider) };
      }
      if (r.status === 413) return { ...base, grade: 'pass', reason: 'got 413, and the next valid event got 2xx', hint: null };
      if (is4xx(r.status)) return { ...base, grade: 'pass', reason: `got ${r.status} (413 says it best), and the next valid event got 2xx`, hint: null };
      if (r.status === null) {
        return { ...base, grade: 'warn', reason: `${answerText(r)}: the connection was dropped instead of answered 413 (the next valid event got 2xx)`, hint: hintFor('oversized-body', 'refused', provider) };
      }
      const kind: FailureKind = is2xx(r.status) ? 'accepted' : 'server-error';
      return { ...base, grade: 'fail', reason: `got ${r.status} for a ${mb} body: it should be refused with 413 before it is read`, hint: hintFor('oversized-body', kind, provider) };
    },
    'concurrent-burst': async () => {
      const events = Array.from({ length: opts.concurrency }, fresh);
      const all = await Promise.all(events.map((ev) => send(ev, signed(ev))));
      const lat = all.map((s) => s.result.durationMs).sort((a, b) => a - b);
      const detail = { p50Ms: Math.round(percentile(lat, 50) * 10) / 10, p99Ms: Math.round(percentile(lat, 99) * 10) / 10, count: all.length };
      const bad = all.filter((s) => !is2xx(s.result.status));
      const base = { check: 'concurrent-burst' as const, sent: `${opts.concurrency} valid events at once`, status: bad[0]?.result.status ?? all[0]?.result.status ?? null, durationMs: percentile(lat, 99), requestIds: ids(...all), detail };
      const figures = `p50 ${fmtMs(detail.p50Ms)}, p99 ${fmtMs(detail.p99Ms)}`;
      if (bad.length) {
        const statuses = [...new Set(bad.map((s) => answerText(s.result)))].join(', ');
        return { ...base, grade: 'fail', reason: `${bad.length} of ${all.length} did not get 2xx (${statuses}); ${figures}`, hint: hintFor('concurrent-burst', 'refused', provider) };
      }
      if (percentile(lat, 99) > opts.deadlineMs) {
        return { ...base, grade: 'warn', reason: `all got 2xx, but p99 is past the ${fmtMs(opts.deadlineMs)} deadline (${figures})`, hint: hintFor('concurrent-burst', 'slow', provider) };
      }
      return { ...base, grade: 'pass', reason: `all ${all.length} got 2xx; ${figures}`, hint: null };
    },
    'wrong-method': async () => {
      const ev = fresh();
      const req: OutgoingRequest = { url: ev.url, method: 'GET', headers: [['User-Agent', 'hookdev-audit']], body: Buffer.alloc(0) };
      const s = await send(ev, req);
      return advisory('wrong-method', 'a GET with no body', s, 'answers GET like an event');
    },
    'wrong-content-type': async () => {
      const ev = fresh();
      const typed = { ...ev, headers: setHeader(ev.headers, 'Content-Type', 'text/plain') };
      const s = await send(typed, signed(typed));
      return advisory('wrong-content-type', 'a signed event labelled Content-Type: text/plain', s, 'accepts a body labelled text/plain');
    },
  };

  const advisory = (check: CheckName, sent: string, s: Sent, what: string): CheckResult => {
    const r = s.result;
    const base = { check, sent, status: r.status, durationMs: r.durationMs, requestIds: ids(s) };
    if (is4xx(r.status)) return { ...base, grade: 'pass', reason: `got ${r.status}`, hint: null };
    const reason = is2xx(r.status) ? `got ${r.status}: ${what} (advisory)` : `${answerText(r)} (advisory: a 4xx is the clear answer)`;
    return { ...base, grade: 'warn', reason, hint: hintFor(check, is2xx(r.status) ? 'accepted' : 'refused', provider) };
  };

  const results = new Map<CheckName, CheckResult>();
  for (const name of RUN_ORDER) {
    if (!opts.checks.includes(name)) continue;
    const r: CheckResult = notRun === null
      ? await runners[name]()
      : { check: name, grade: 'skip', sent: 'nothing', status: null, durationMs: null, requestIds: [], hint: null, reason: `not run: ${notRun}` };
    results.set(name, r);
    onResult(r);
  }
  return CHECK_NAMES.filter((n) => results.has(n)).map((n) => results.get(n)!);
}

/** `9 passed, 1 warning, 2 failed` (+ skipped when any). */
export function summaryLine(results: CheckResult[]): string {
  const n = (g: Grade) => results.filter((r) => r.grade === g).length;
  const parts = [`${n('pass')} passed`, `${n('warn')} warning${n('warn') === 1 ? '' : 's'}`, `${n('fail')} failed`];
  if (n('skip')) parts.push(`${n('skip')} skipped`);
  return parts.join(', ');
}

