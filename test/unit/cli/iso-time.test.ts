import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/ui/json.js';

describe('isoTime', () => {
  it('equals Date#toISOString for any millisecond time', () => {
    const samples = [0, 1, 999, 1000, -1, -1001, 1_700_000_000_123, 8.64e15, 253402300799999];
    for (let i = 0; i < 20_000; i++) samples.push(Math.floor(Math.random() * 4e12) - 1e12);
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
