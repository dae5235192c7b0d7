import { afterTurn } from '../core/turn.js';

/**
 * Coalesces output lines written in one turn of the event loop into one write: under load, a write
 * system call per request line would cost the listener more than the request itself. Written in the log phase
 * (core/turn.ts): after this turn's answers, frames and commits, never on a request's path.
 */
export class LineWriter {
  private buffer: string[] = [];
  private scheduled = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  write(line: string): void {
    this.buffer.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      afterTurn('log', () => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.stream.write(text);
  }
}
