import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../../src/ui/line-writer.js';

function sink(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString());
      cb();
    },
  });
  return { stream, writes };
}

/** A few event-loop turns (the log phase is two setImmediate hops away). */
async function turns(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

describe('LineWriter', () => {
  it('writes the lines of one turn in one write, a turn later', async () => {
    const { stream, writes } = sink();
    const w = new LineWriter(stream, 10, () => 0);
    w.write('a');
    w.write('b');
    expect(writes).toEqual([]);
    await turns();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('writes at most once per interval: lines soon after a write wait for the interval, then leave together', async () => {
    const { stream, writes } = sink();
    let now = 1000;
    const w = new LineWriter(stream, 50, () => now);
    w.write('first');
    await turns();
    expect(writes).toEqual(['first\n']);
    now = 1010; // 10 ms after the write: the next lines wait
    w.write('second');
    await turns();
    w.write('third');
    await turns();
    expect(writes).toEqual(['first\n']);
    await waitFor(() => writes.length === 2); // the timer for the rest of the interval
    expect(writes).toEqual(['first\n', 'second\nthird\n']);
  });

  it('formats a line given as a function when it writes, in order with the others; null writes nothing', async () => {
    const { stream, writes } = sink();
    const w = new LineWriter(stream, 10, () => 0);
    const formatted: string[] = [];
    w.write(() => (formatted.push('lazy'), 'lazy'));
    w.write('plain');
    w.write(() => null);
    expect(formatted).toEqual([]); // not on the caller's path
    await turns();
    expect(formatted).toEqual(['lazy']);
    expect(writes).toEqual(['lazy\nplain\n']);
  });

  it('flush() writes what is buffered at once (exit)', () => {
    const { stream, writes } = sink();
    let now = 0;
    const w = new LineWriter(stream, 50, () => now);
    w.flush();
    expect(writes).toEqual([]);
    w.write('x');
    w.flush();
    now = 1;
    w.write('y');
    w.flush();
    expect(writes).toEqual(['x\n', 'y\n']);
  });
});
