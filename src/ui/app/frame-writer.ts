import { lineToAnsi } from './ansi.js';
import type { ScreenLine } from './screen-lines.js';

/** Synchronized output (DEC mode 2026): the terminal shows the frame at once; terminals without it ignore the mode. */
export const BEGIN_SYNC = '\x1b[?2026h';
export const END_SYNC = '\x1b[?2026l';

export interface FrameOut {
  write(s: string): unknown;
}

/**
 * Draws the screen's lines and, after the first frame, only the lines that changed: each at its own row (absolute
 * cursor moves), erased then written, in one write. Ink re-lays out and re-tokenizes the whole frame for every
 * change (10-20 ms for a 120x40 screen), which alone is more than a keypress may cost; a moved selection here is two
 * lines. Autowrap is off while the UI owns the screen (terminal.ts), so a line the terminal finds wider than we
 * counted is cut at the margin instead of spilling onto the next line.
 */
export class FrameWriter {
  private prev: string[] = [];
  private full = true;

  constructor(private readonly out: FrameOut) {}

  /** Forget what the screen holds (resize, back from $EDITOR): the next frame clears it and draws every line. */
  invalidate(): void {
    this.full = true;
  }

  /** Write the frame; returns the number of lines written (0 when nothing changed). */
  draw(lines: ScreenLine[], width: number): number {
    const next = lines.map((l) => lineToAnsi(l.line, width, l.inverse));
    let out = '';
    let written = 0;
    if (this.full) out += '\x1b[H\x1b[2J';
    const n = Math.max(next.length, this.prev.length);
    for (let i = 0; i < n; i++) {
      const line = next[i];
      if (!this.full && line === this.prev[i]) continue;
      written++;
      // Erase first (with default colours), then the text: ending with an erase would clear the last column of a
      // line that fills the width (the cursor stays on that column).
      out += `\x1b[${i + 1};1H\x1b[0m\x1b[2K${line ?? ''}\x1b[0m`;
    }
    this.full = false;
    this.prev = next;
    if (out) this.out.write(BEGIN_SYNC + out + END_SYNC);
    return written;
  }
}
