import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';

/** Commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntFlag(flag: string, value: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  const n = Number(value);
  // Past 2^53 the number read is not the one written (…993 reads as …992): name it as written.
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} is too large, got "${value.trim()}"`);
  if (n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`${flag} must be ${range}, got ${n}`);
  }
  return n;
}

/** Sizes: `1048576`, `512kb`, `25mb`, `1gb`. */
export function parseSize(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`${flag} expects a size like 1048576, 512kb or 25mb, got "${value}"`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function parseDurationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : parseDuration(value);
  if (ms === null) throw new UsageError(`${flag} expects a duration like 500ms, 30s, 5m, 7d, got "${value}"`);
  return ms;
}

/**
 * The longest wait Node's timers hold (2^31-1 ms, about 24.8 days): a longer one fires after 1 ms instead, with a
 * TimeoutOverflowWarning, so a huge --timeout timed out at once and a huge --delay did not wait at all.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration a timer will wait for: refused above MAX_TIMER_MS. */
export function timerFlag(flag: string, ms: number | undefined, value: string | undefined): number | undefined {
  if (ms !== undefined && ms > MAX_TIMER_MS) throw new UsageError(`${flag} is too long, got "${value}"`, `the longest is ${MAX_TIMER_MS}ms (about 24 days)`);
  return ms;
}

/** A duration a timer waits for (`--delay`, `--response-delay`): 0 allowed, at most MAX_TIMER_MS. */
export function parseTimerDuration(flag: string, value: string | undefined): number | undefined {
  return timerFlag(flag, parseDurationFlag(flag, value), value);
}

/** A timeout: above zero (a 0 ms timeout would fail every send), at most MAX_TIMER_MS. */
export function parsePositiveDuration(flag: string, value: string | undefined): number | undefined {
  const ms = parseTimerDuration(flag, value);
  if (ms === 0) throw new UsageError(`${flag} must be above 0, got "${value}"`, `example: ${flag} 10s`);
  return ms;
}

/**
 * An id as written: past 2^53 Number() reads another one (`show 9007199254740993` looked up …992), so such an id
 * is refused rather than shown as a different request.
 */
function safeId(digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw new UsageError(`request id ${digits} is too large`, 'run `hookdev list` to see the ids');
  return n;
}

/** `42`, `last`, or a range `A..B` of ids. */
export type IdSelector =
  | { kind: 'id'; id: number }
  | { kind: 'last' }
  /** `from` <= `to` always; `reversed` when the user wrote it the other way round (`5..2`). */
  | { kind: 'range'; from: number; to: number; reversed: boolean };

export function parseIdSelector(text: string, allowRange = false): IdSelector {
  const t = text.trim();
  if (t === 'last') return { kind: 'last' };
  if (/^\d+$/.test(t)) return { kind: 'id', id: safeId(t) };
  const m = /^(\d+)\.\.(\d+)$/.exec(t);
  if (allowRange && m) {
    const a = safeId(m[1]!);
    const b = safeId(m[2]!);
    return { kind: 'range', from: Math.min(a, b), to: Math.max(a, b), reversed: a > b };
  }
  throw new UsageError(
    `"${text}" is not a request id`,
    allowRange ? 'use a number, "last" or a range like 12..20' : 'use a number or "last"',
  );
}
