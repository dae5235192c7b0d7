import { afterTurn } from '../core/turn.js';

/**
 * Coalesces output lines into few writes: under load, a write system call per request line would cost the listener
 * more than the request itself. Written in the log phase (core/turn.ts): after this turn's answers, frames and
 * commits. And at most once per `minIntervalMs`: one request at a time also means one line at a time, and a write
 * per turn then lands in the turn where the next request arrives, ahead of its commit and forward. A person reading
 * the log does not see 10 ms.
 */
/** A line, or how to make it: formatted when the lines are written (null: nothing to write). */
export type Line = string | (() => string | null);

export class LineWriter {
  private buffer: Line[] = [];
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  /** When the last write happened (monotonic ms); -Infinity before the first. */
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly minIntervalMs = 10,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * A function is called at write time, in the log phase: formatting a line (JSON, dates) is then never on a
   * request's path, e.g. between an app's answer and the frame or response that carries it back.
   */
  write(line: Line): void {
    this.buffer.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastWrite + this.minIntervalMs - this.clock();
    if (wait <= 0) afterTurn('log', () => this.flush());
    else {
      this.timer = setTimeout(() => {
        this.timer = null;
        afterTurn('log', () => this.flush());
      }, Math.ceil(wait));
    }
  }

  /** Write what is buffered now (also at exit). */
  flush(): void {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    let text = '';
    for (const l of lines) {
      const s = typeof l === 'string' ? l : l();
      if (s !== null) text += `${s}\n`;
    }
    if (text === '') return;
    this.lastWrite = this.clock();
    this.stream.write(text);
  }
}
