import { bottomLine } from './bottom-line.js';
import { CHROME_LINES, type UiSnapshot } from './controller.js';
import { footerLine } from './footer-line.js';
import { headerLines } from './header-lines.js';
import { formatRow, listTitle } from './row-format.js';
import { clipLine, type Line, type Tone } from './segments.js';

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

const SGR: Record<Tone, string> = {
  key: '36', string: '32', number: '33', literal: '35', punct: '', dim: '2', ok: '32', bad: '31', warn: '33', accent: '35', bold: '1', plain: '',
};

/** Lines as terminal text from the top-left corner, each cleared to its end; colour only when allowed. */
export function framesToAnsi(lines: Line[], width: number, selected: number, colour: boolean): string {
  let out = '\x1b[H';
  lines.forEach((line, i) => {
    const inv = i === selected ? '\x1b[7m' : '';
    out += inv;
    for (const seg of clipLine(line, width)) {
      const code = colour && seg.tone ? SGR[seg.tone] : '';
      out += code ? `\x1b[${code}m${seg.text}\x1b[22;39m${inv}` : seg.text;
    }
    out += `\x1b[0m\x1b[K${i < lines.length - 1 ? '\r\n' : ''}`;
  });
  return out;
}
