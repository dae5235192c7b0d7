/**
 * The good sender's retry policy, pure: what to do after an attempt, and how long to wait.
 * Exponential backoff with equal jitter (AWS architecture blog, "Exponential Backoff And Jitter"): attempt n
 * waits a random time in [c/2, c] with c = min(cap, base·2^(n-1)), so gaps keep growing (unlike full jitter)
 * while retries from many senders still spread out.
 */
import { getHeader } from '../core/headers.js';
import type { Exchange } from '../forward/exchange.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff ceiling, ms (default 1000). */
  baseMs: number;
  /** Largest wait, ms (`--backoff-max`, default 5 min). A Retry-After beyond it ends the retries. */
  capMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = { retries: 5, baseMs: 1000, capMs: 5 * 60_000 };

/** Wait before retry number `n` (1 = the wait after the first attempt). */
export function equalJitter(n: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(n - 1, 0), 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as ms from now: delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An IMF-fixdate (or the obsolete forms Date.parse also reads); must name a weekday/month, not be a number.
  if (!/[a-z]/i.test(v)) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - nowMs);
}

/** Why an attempt ended the way it did. */
export type Outcome =
  | { kind: 'delivered'; status: number }
  /** A status a good sender does not retry (other 4xx, 3xx): the receiver said no. */
  | { kind: 'rejected'; status: number }
  /** Worth another try: network error, timeout, 408, 429, 5xx. */
  | { kind: 'retryable'; status: number | null; reason: string };

export function classify(result: Pick<Exchange, 'status' | 'failure' | 'error'>): Outcome {
  const s = result.status;
  if (s === null) {
    const reason = result.failure === 'timeout' ? 'timed out' : (result.error ?? 'no answer');
    return { kind: 'retryable', status: null, reason };
  }
  if (s >= 200 && s < 300) return { kind: 'delivered', status: s };
  if (s === 408 || s === 429 || s >= 500) return { kind: 'retryable', status: s, reason: `got ${s}` };
  return { kind: 'rejected', status: s };
}

export type Decision =
  | { action: 'done'; ok: boolean; reason: string }
  | { action: 'retry'; delayMs: number; reason: string; retryAfterMs: number | null };

/**
 * After attempt number `attempt` (1-based): stop, or wait and retry. Retry-After (on any retryable answer) is
 * honoured as a minimum wait; one longer than the cap ends the retries rather than being cut short.
 */
export function decide(
  result: Pick<Exchange, 'status' | 'failure' | 'error' | 'headers'>,
  attempt: number,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number,
): Decision {
  const o = classify(result);
  if (o.kind === 'delivered') return { action: 'done', ok: true, reason: `got ${o.status}` };
  if (o.kind === 'rejected') return { action: 'done', ok: false, reason: `got ${o.status} (not retried: the receiver refused it)` };
  if (attempt > policy.retries) {
    return { action: 'done', ok: false, reason: `${o.reason}; gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}` };
  }
  const backoff = equalJitter(attempt, policy.baseMs, policy.capMs, random);
  const retryAfter = result.headers ? getHeader(result.headers, 'Retry-After') : undefined;
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  if (retryAfterMs !== null && retryAfterMs > policy.capMs) {
    // In whole seconds while that reads as a number; a huge one (or a date) as the header said it.
    const asked = retryAfterMs <= Number.MAX_SAFE_INTEGER ? `${Math.ceil(retryAfterMs / 1000)}s` : `"${retryAfter!.trim().slice(0, 40)}"`;
    return {
      action: 'done',
      ok: false,
      reason: `${o.reason} with Retry-After ${asked}, beyond --backoff-max ${Math.round(policy.capMs / 1000)}s; gave up`,
    };
  }
  const delayMs = retryAfterMs !== null ? Math.max(backoff, retryAfterMs) : backoff;
  return { action: 'retry', delayMs, reason: o.reason, retryAfterMs };
}
