import { describe, expect, it } from 'vitest';
import { formatDelay } from '../../../src/core/duration.js';
import { describeTunnelState } from '../../../src/tunnel/tunnel-events.js';

describe('formatDelay', () => {
  it('keeps a short wait in milliseconds and a long one in seconds with at most one decimal', () => {
    expect(formatDelay(100)).toBe('100ms');
    expect(formatDelay(999.6)).toBe('1000ms');
    expect(formatDelay(1000)).toBe('1s');
    expect(formatDelay(1540)).toBe('1.5s');
    expect(formatDelay(30_000)).toBe('30s');
  });
});

describe('the relay reconnect message', () => {
  it('says 100ms for a 100 ms backoff, not 1s', () => {
    const e = describeTunnelState({ state: 'reconnecting', delayMs: 100, attempt: 1 });
    expect(e).toMatchObject({ type: 'state', message: 'reconnecting in 100ms (attempt 1)' });
  });
});
