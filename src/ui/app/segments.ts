import { cellWidth, takeCells } from './cells.js';

/** A piece of a screen line with the meaning its colour carries (the text alone must read without colour). */
export type Tone = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'dim' | 'ok' | 'bad' | 'warn' | 'accent' | 'bold' | 'plain';

export interface Seg {
  text: string;
  tone?: Tone;
}

export type Line = Seg[];

export function plain(text: string, tone?: Tone): Line {
  return [{ text, tone }];
}

export function lineText(line: Line): string {
  let s = '';
  for (const seg of line) s += seg.text;
  return s;
}

/** Cut a line to `width` terminal cells (wide characters count two, combining marks none), marking the cut with '…'. */
export function clipLine(line: Line, width: number): Line {
  if (width <= 0) return [];
  let total = 0;
  for (const seg of line) total += cellWidth(seg.text);
  if (total <= width) return line;
  const out: Line = [];
  let room = width - 1;
  for (const seg of line) {
    const head = takeCells(seg.text, room);
    if (head.text) out.push(head.text === seg.text ? seg : { text: head.text, tone: seg.tone });
    room -= head.width;
    if (head.text !== seg.text) break;
  }
  // A wide character that did not fit leaves a cell free: pad it, so the '…' is in the last column.
  out.push({ text: ' '.repeat(room) + '…', tone: 'dim' });
  return out;
}

/** Split a line into lines of at most `width` cells: the detail view shows a long header or body line whole. */
export function wrapLine(line: Line, width: number): Line[] {
  let total = 0;
  for (const seg of line) total += cellWidth(seg.text);
  if (width <= 1 || total <= width) return [line];
  const out: Line[] = [];
  let cur: Line = [];
  let room = width;
  for (const seg of line) {
    let text = seg.text;
    while (text) {
      let head = takeCells(text, room);
      if (!head.text) {
        if (cur.length) {
          out.push(cur);
          cur = [];
          room = width;
          continue;
        }
        // Nothing fits on an empty line (a wide character on a 1-cell line): take one character anyway.
        const ch = String.fromCodePoint(text.codePointAt(0)!);
        head = { text: ch, width: room };
      }
      cur.push({ text: head.text, tone: seg.tone });
      room -= head.width;
      text = text.slice(head.text.length);
      if (text) {
        out.push(cur);
        cur = [];
        room = width;
      }
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Text wider than `width` cells loses its middle, not its end: a status ends with what matters most (the file an export
 * was written to, a replay's answer), a URL with its channel.
 */
export function fitMiddle(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  const tail = takeCellsFromEnd(text, Math.floor((width - 1) * 0.6));
  const head = takeCells(text, width - 1 - cellWidth(tail)).text;
  return `${head}…${tail}`;
}

/** The longest end of `text` that fits in `cells`. */
export function takeCellsFromEnd(text: string, cells: number): string {
  const chars = [...text];
  let w = 0;
  let i = chars.length;
  while (i > 0 && w + cellWidth(chars[i - 1]!) <= cells) w += cellWidth(chars[--i]!);
  return chars.slice(i).join('');
}

/** Fit plain text to exactly `width` cells: cut with '…' or pad with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const w = cellWidth(text);
  if (w > width) {
    const head = takeCells(text, width - 1);
    return head.text + ' '.repeat(width - 1 - head.width) + '…';
  }
  const pad = ' '.repeat(width - w);
  return align === 'left' ? text + pad : pad + text;
}

/** Replace control characters so a sender's bytes cannot move our cursor or change colours. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '·').replace(/\t/g, '  ');
}
