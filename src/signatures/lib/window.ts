import type { Failure } from './result.js';
import { fail } from './result.js';

/**
 * The replay window in force: the caller's override, else the provider default.
 * Null means "no check" (override 0, negative or non-finite, as stripe-node's `tolerance: 0`).
 */
export function toleranceOf(override: number | undefined, fallback: number): number | null {
  const t = override ?? fallback;
  return Number.isFinite(t) && t > 0 ? t : null;
}

const secs = (n: number): string => `${Math.round(n)} s`;

/**
 * Age check of a unix-seconds timestamp. `past`/`future` null = that side is not checked.
 * Returns the failure, or null when inside the window.
 */
export function checkWindow(ts: number, now: number, past: number | null, future: number | null): Failure | null {
  const age = Math.floor(now) - ts;
  if (past !== null && age > past) return fail('too_old', `timestamp too old by ${secs(age)} (tolerance ${secs(past)})`);
  if (future !== null && -age > future) {
    return fail('too_new', `timestamp in the future by ${secs(-age)} (tolerance ${secs(future)})`);
  }
  return null;
}

/** Warning for SDKs that accept any future timestamp: still worth telling when it is far ahead. */
export function futureWarning(ts: number, now: number, limit: number | null, sdk: string): string[] {
  const ahead = ts - Math.floor(now);
  if (ahead > (limit ?? 300)) return [`timestamp is ${secs(ahead)} in the future; ${sdk} accepts future timestamps`];
  return [];
}
