import { describe, expect, it } from 'vitest';
import { Fifo } from '../../../src/core/fifo.js';

describe('Fifo', () => {
  it('gives items back in the order they came, across its compactions, and undefined when empty', () => {
    const q = new Fifo<number>();
    expect(q.shift()).toBeUndefined();
    const out: number[] = [];
    let next = 0;
    // Interleaved: the queue never empties, so only the compaction keeps its array bounded.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) q.push(next++);
      for (let i = 0; i < 250; i++) out.push(q.shift()!);
    }
    expect(q.length).toBe(50 * 50);
    while (q.length) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    q.push(7);
    expect([q.length, q.shift(), q.length]).toEqual([1, 7, 0]);
  });
});
