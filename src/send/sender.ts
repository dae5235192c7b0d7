/**
 * The good sender: deliver each event until it gets a 2xx, a refusal, or the retries run out; same id and
 * body every time, a fresh signature and timestamp per attempt, waits from retry.ts. Time, sleeping, randomness,
 * the HTTP exchange and the history are dependencies, so tests drive it with a fake clock and real servers.
 */
import { shuffleInPlace } from '../core/shuffle.js';
import type { Exchange, OutgoingRequest } from '../forward/exchange.js';
import { buildEvent, signAttempt, type BuiltEvent, type SendSpec } from './message.js';
import { decide, type RetryPolicy } from './retry.js';
import { IdMap } from '../core/id-map.js';

export interface SenderDeps {
  /** Epoch ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  exchange(req: OutgoingRequest, timeoutMs: number): Promise<Exchange>;
  history?: SendHistory;
}

/** Where events and attempts are kept (the SQLite history in the CLI). */
export interface SendHistory {
  /**
   * The event's first attempt has ended: store the event as a request (the headers and bytes of that attempt, and
   * its status when `final`: the event ends with it) together with the attempt's delivery; resolves with the
   * request id once committed.
   */
  event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number, result: Exchange, final: boolean): Promise<number>;
  /** A later attempt's delivery. */
  attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void;
  /** The status the event ended with (the request row's answer), after a retry. */
  final(requestId: number, status: number | null): void;
}

/** What the sender reports to renderers; each fact once. */
export type SendEvent =
  | {
      type: 'attempt';
      seq: number;
      requestId: number | null;
      eventId: string | null;
      eventType: string | null;
      attempt: number;
      target: string;
      status: number | null;
      durationMs: number;
      error: string | null;
      duplicate: boolean;
    }
  | { type: 'waiting'; seq: number; eventId: string | null; nextAttempt: number; delayMs: number; reason: string; retryAfterMs: number | null }
  | {
      type: 'event';
      seq: number;
      requestId: number | null;
      eventId: string | null;
      eventType: string | null;
      ok: boolean;
      attempts: number;
      status: number | null;
      reason: string;
      duplicate: boolean;
    };

export type SendListener = (e: SendEvent) => void;

export interface EventResult {
  seq: number;
  ok: boolean;
  attempts: number;
  status: number | null;
  /** Duration of each attempt, ms. */
  latencies: number[];
}

export interface DeliverOptions {
  policy: RetryPolicy;
  /** Per-attempt total timeout, ms. */
  timeoutMs: number;
}

/** Deliver one event with retries and report it. Never throws for anything the target does. */
export async function deliverEvent(
  spec: SendSpec,
  ev: BuiltEvent,
  opts: DeliverOptions,
  deps: SenderDeps,
  emit: SendListener,
): Promise<EventResult> {
  const r = await sendEvent(spec, ev, opts, deps, emit);
  await r.reported;
  return r;
}

const ignore = (): void => undefined;

/**
 * Deliver one event with retries. Resolves with the outcome once the target has answered for the last time, and
 * `reported`: settled once the event's row is committed and every fact about it emitted (it rejects when the
 * history cannot be written). On the common path (the first answer is final) the commit is still under way then.
 */
async function sendEvent(
  spec: SendSpec,
  ev: BuiltEvent,
  opts: DeliverOptions,
  deps: SenderDeps,
  emit: SendListener,
): Promise<EventResult & { reported: Promise<void> }> {
  let requestId: number | null = null;
  const latencies: number[] = [];
  const duplicate = ev.duplicateOf !== null;
  let retryReason: 'http_error' | 'http_timeout' | undefined;
  for (let attempt = 1; ; attempt++) {
    const startMs = deps.now();
    const req = signAttempt(spec, ev, { nowMs: startMs, attempt, retryReason });
    const result = await deps.exchange(req, opts.timeoutMs);
    latencies.push(result.durationMs);
    const d = decide(result, attempt, opts.policy, deps.now(), deps.random);
    const done = d.action === 'done';
    // The first attempt's end writes the event's row and that attempt's delivery in one go (with the final
    // status when there is no retry): one insert pair per event, no update.
    let stored: Promise<number> | null = null;
    if (deps.history) {
      if (attempt === 1) stored = deps.history.event(ev, req, startMs, result, done);
      else if (requestId !== null) {
        deps.history.attempt(requestId, attempt, req, result);
        if (done) deps.history.final(requestId, result.status);
      }
    }
    const attemptEvent = (id: number | null): SendEvent => ({
      type: 'attempt',
      seq: ev.seq,
      requestId: id,
      eventId: ev.eventId,
      eventType: ev.eventType,
      attempt,
      target: req.url,
      status: result.status,
      durationMs: result.durationMs,
      error: result.error,
      duplicate,
    });
    if (d.action === 'done') {
      const ok = d.ok;
      const reason = d.reason;
      const report = (id: number | null): void => {
        emit(attemptEvent(id));
        emit({ type: 'event', seq: ev.seq, requestId: id, eventId: ev.eventId, eventType: ev.eventType, ok, attempts: attempt, status: result.status, reason, duplicate });
      };
      let reported: Promise<void>;
      if (stored) {
        // Reported once committed; the load loop sends its next event meanwhile.
        reported = stored.then(report);
        reported.catch(ignore); // awaited by the caller
      } else {
        report(requestId);
        reported = Promise.resolve();
      }
      return { seq: ev.seq, ok, attempts: attempt, status: result.status, latencies, reported };
    }
    // A retry waits anyway: the row is committed first, and the facts are reported in order.
    if (stored) requestId = await stored;
    emit(attemptEvent(requestId));
    retryReason = result.failure === 'timeout' ? 'http_timeout' : 'http_error';
    emit({ type: 'waiting', seq: ev.seq, eventId: ev.eventId, nextAttempt: attempt + 1, delayMs: d.delayMs, reason: d.reason, retryAfterMs: d.retryAfterMs });
    await deps.sleep(d.delayMs);
  }
}

export interface LoadOptions extends DeliverOptions {
  count: number;
  concurrency: number;
  /** Share of events sent a second time (same id and body), 0..1. */
  duplicates: number;
  shuffle: boolean;
}

/**
 * The send order: events 1..count, each planned duplicate right after its original; `shuffle` mixes the whole
 * list (events built earlier, so with older timestamps, then arrive after newer ones).
 */
export function planSends(count: number, duplicates: number, shuffle: boolean, random: () => number): Array<{ seq: number; duplicate: boolean }> {
  const dupCount = Math.round(count * duplicates);
  // Which events get a duplicate: a random sample without replacement (partial Fisher-Yates).
  const seqs = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = 0; i < dupCount; i++) {
    const j = i + Math.floor(random() * (count - i));
    [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
  }
  const dup = new Set(seqs.slice(0, dupCount));
  const out: Array<{ seq: number; duplicate: boolean }> = [];
  for (let seq = 1; seq <= count; seq++) {
    out.push({ seq, duplicate: false });
    if (dup.has(seq)) out.push({ seq, duplicate: true });
  }
  if (shuffle) {
    shuffleInPlace(out, random);
    // The copy sent first is the original: the history marks the later one as the duplicate, and so must the output.
    const seen = new Set<number>();
    for (const s of out) {
      s.duplicate = seen.has(s.seq);
      seen.add(s.seq);
    }
  }
  return out;
}

/** Events a load worker may have sent while their rows are still being committed. */
const REPORT_DEPTH = 8;

export interface LoadSummary {
  events: number;
  /** Sends (events + duplicates). */
  sent: number;
  ok: number;
  failed: number;
  /** Sends that needed more than one attempt. */
  retried: number;
  attempts: number;
  p50: number;
  p99: number;
  elapsedMs: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Send `count` events (plus duplicates) with `concurrency` in flight. Events are built when first sent, in plan
 * order; a duplicate reuses its original's bytes (built first if the shuffle put it earlier).
 */
export async function runSends(spec: SendSpec, opts: LoadOptions, deps: SenderDeps, emit: SendListener): Promise<LoadSummary> {
  const plan = planSends(opts.count, opts.duplicates, opts.shuffle, deps.random);
  const built = new IdMap<BuiltEvent, number>(); // not a Map: see IdMap (a long run would promote every event)
  // Build in seq order up front when shuffling, so creation times follow seq and the shuffle reorders them.
  if (opts.shuffle) for (let seq = 1; seq <= opts.count; seq++) built.set(seq, buildEvent(spec, seq, deps.now()));
  const eventOf = (seq: number): BuiltEvent => {
    let ev = built.get(seq);
    if (!ev) {
      ev = buildEvent(spec, seq, deps.now());
      built.set(seq, ev);
    }
    return ev;
  };
  const latencies: number[] = [];
  let ok = 0;
  let retried = 0;
  let attempts = 0;
  const remaining = new Map<number, number>();
  for (const p of plan) remaining.set(p.seq, (remaining.get(p.seq) ?? 0) + 1);
  // Copies of one event go out one after another, each once the one before is in the history: the history then
  // calls the same copy the duplicate as the plan (and the output) does, whatever the concurrency.
  const previousCopy = new IdMap<Promise<void>, number>();
  const started = deps.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    // Reports of this worker's last events (each waits for its commit): commits overlap the next sends, at most
    // REPORT_DEPTH events per worker are unreported, and a history that cannot be written ends the run.
    const unreported: Array<Promise<void>> = [];
    while (next < plan.length) {
      const step = plan[next++]!;
      const original = eventOf(step.seq);
      const ev = step.duplicate ? { ...original, duplicateOf: step.seq } : original;
      let copyDone: (() => void) | null = null;
      let before: Promise<void> | undefined;
      if (remaining.get(step.seq)! > 1 || previousCopy.has(step.seq)) {
        before = previousCopy.get(step.seq);
        previousCopy.set(step.seq, new Promise<void>((resolve) => (copyDone = resolve)));
      }
      if (before) await before;
      const r = await sendEvent(spec, ev, opts, deps, emit);
      if (copyDone) r.reported.then(copyDone, copyDone);
      unreported.push(r.reported);
      if (unreported.length > REPORT_DEPTH) await unreported.shift();
      // Forget an event's bytes once its last send is done: a long run keeps only what is in flight.
      const left = remaining.get(step.seq)! - 1;
      if (left === 0) {
        built.delete(step.seq);
        previousCopy.delete(step.seq);
      } else remaining.set(step.seq, left);
      if (r.ok) ok++;
      if (r.attempts > 1) retried++;
      attempts += r.attempts;
      for (const l of r.latencies) latencies.push(l);
    }
    for (const p of unreported) await p;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, plan.length)) }, worker));
  latencies.sort((a, b) => a - b);
  return {
    events: opts.count,
    sent: plan.length,
    ok,
    failed: plan.length - ok,
    retried,
    attempts,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    elapsedMs: deps.now() - started,
  };
}
