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

/** Cut a line to `width` cells (one cell per code point: our content is mostly ASCII), marking the cut with '…'. */
export function clipLine(line: Line, width: number): Line {
  if (width <= 0) return [];
  const out: Line = [];
  let used = 0;
  for (const seg of line) {
    const chars = [...seg.text];
    if (used + chars.length <= width) {
      out.push(seg);
      used += chars.length;
      continue;
    }
    const room = width - used - 1;
    if (room > 0) out.push({ text: chars.slice(0, room).join(''), tone: seg.tone });
    out.push({ text: '…', tone: 'dim' });
    return out;
  }
  return out;
}

/** Fit plain text to exactly `width` cells: cut with '…' or pad with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
  const pad = ' '.repeat(width - chars.length);
  return align === 'left' ? text + pad : pad + text;
}

/** Replace control characters so a sender's bytes cannot move our cursor or change colours. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '·').replace(/\t/g, '  ');
}
