import { bottomLine } from './bottom-line.js';
import { CHROME_LINES, type UiSnapshot } from './controller.js';
import { footerLine } from './footer-line.js';
import { headerLines } from './header-lines.js';
import { formatRow, listTitle } from './row-format.js';
import { lineToAnsi } from './ansi.js';
import type { Line } from './segments.js';

/**
 * The list view as plain lines, for the first paint before Ink has loaded (importing Ink costs more than the
 * 300 ms budget for a first paint on a busy machine). Same functions as the components, so Ink's first frame
 * draws the same thing over it.
 */
export function listFrame(snap: UiSnapshot, now: number): { lines: Line[]; selected: number } {
  const width = Math.max(20, snap.cols);
  const body = Math.max(1, snap.rows - 1 - CHROME_LINES);
  const lines: Line[] = [...headerLines({ width, source: snap.source, live: snap.live, counts: snap.counts, now })];
  lines.push(listTitle(width, snap.newAbove, snap.follow));
  let selected = -1;
  for (let i = 0; i < body; i++) {
    const r = snap.list[snap.top + i];
    if (r && snap.top + i === snap.cursor) selected = lines.length;
    lines.push(r ? formatRow(r, width) : []);
  }
  lines.push(bottomLine({ width, filter: snap.filter, status: snap.status, prompt: snap.prompt }));
  lines.push(footerLine('list', width));
  return { lines, selected };
}

/** Lines as terminal text from the top-left corner, each cleared to its end. */
export function framesToAnsi(lines: Line[], width: number, selected: number): string {
  let out = '\x1b[H';
  lines.forEach((line, i) => {
    out += `${lineToAnsi(line, width, i === selected)}\x1b[0m\x1b[K${i < lines.length - 1 ? '\r\n' : ''}`;
  });
  return out;
}
