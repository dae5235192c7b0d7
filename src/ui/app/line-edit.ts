/**
 * The one-line editor of the filter and URL prompt: a text and a cursor, moved and edited with the keys a shell's
 * line editor takes (arrows, Home/End, ctrl-a/e/b/f, ctrl-u/k/w, Alt-b/f/Backspace). The cursor counts graphemes,
 * so it never stops inside an emoji or between a letter and its accent. Pure: the controller owns the state.
 */
import type { KeyInfo } from './controller.js';

export interface EditLine {
  text: string;
  /** Graphemes before the cursor. */
  cursor: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function split(text: string): string[] {
  const out: string[] = [];
  for (const s of graphemes.segment(text)) out.push(s.segment);
  return out;
}

/** A line with the cursor at its end (a line opened with text already in it). */
export function lineAtEnd(text: string): EditLine {
  return { text, cursor: split(text).length };
}

/** The text before and after the cursor. */
export function aroundCursor(line: EditLine): { before: string; after: string } {
  const g = split(line.text);
  const at = Math.max(0, Math.min(g.length, line.cursor));
  return { before: g.slice(0, at).join(''), after: g.slice(at).join('') };
}

const isSpace = (g: string): boolean => /^\s+$/u.test(g);

/** Start of the word before `at` (spaces right before it skipped first), as a shell's ctrl-w and Alt-b see words. */
function wordStart(g: string[], at: number): number {
  let i = at;
  while (i > 0 && isSpace(g[i - 1]!)) i--;
  while (i > 0 && !isSpace(g[i - 1]!)) i--;
  return i;
}

/** End of the word after `at` (Alt-f). */
function wordEnd(g: string[], at: number): number {
  let i = at;
  while (i < g.length && isSpace(g[i]!)) i++;
  while (i < g.length && !isSpace(g[i]!)) i++;
  return i;
}

/**
 * The line after an editing key, or null when the key does not edit or move (Enter, Esc, Tab, arrows up and down:
 * the caller's). Typed text is inserted at the cursor without line breaks.
 */
export function editLine(line: EditLine, input: string, k: KeyInfo): EditLine | null {
  const g = split(line.text);
  const at = Math.max(0, Math.min(g.length, line.cursor));
  const make = (parts: string[], cursor: number): EditLine => ({ text: parts.join(''), cursor });
  const word = k.ctrl || k.meta;
  if (k.leftArrow) return make(g, word ? wordStart(g, at) : Math.max(0, at - 1));
  if (k.rightArrow) return make(g, word ? wordEnd(g, at) : Math.min(g.length, at + 1));
  if (k.home) return make(g, 0);
  if (k.end) return make(g, g.length);
  if (k.backspace) {
    const from = k.meta || k.ctrl ? wordStart(g, at) : Math.max(0, at - 1);
    return make([...g.slice(0, from), ...g.slice(at)], from);
  }
  if (k.delete) return make([...g.slice(0, at), ...g.slice(at + 1)], at);
  if (k.ctrl) {
    switch (input) {
      case 'a':
        return make(g, 0);
      case 'e':
        return make(g, g.length);
      case 'b':
        return make(g, Math.max(0, at - 1));
      case 'f':
        return make(g, Math.min(g.length, at + 1));
      case 'd':
        return make([...g.slice(0, at), ...g.slice(at + 1)], at);
      case 'u':
        return make(g.slice(at), 0);
      case 'k':
        return make(g.slice(0, at), at);
      case 'w': {
        const from = wordStart(g, at);
        return make([...g.slice(0, from), ...g.slice(at)], from);
      }
      case 'h': {
        const from = Math.max(0, at - 1);
        return make([...g.slice(0, from), ...g.slice(at)], from);
      }
    }
    return null;
  }
  if (k.meta) {
    if (input === 'b') return make(g, wordStart(g, at));
    if (input === 'f') return make(g, wordEnd(g, at));
    if (input === 'd') return make([...g.slice(0, at), ...g.slice(wordEnd(g, at))], at);
    return null;
  }
  if (k.return || k.escape || k.tab || k.upArrow || k.downArrow || k.pageUp || k.pageDown) return null;
  const typed = input.replace(/[\r\n]/g, '');
  if (!typed) return null;
  const added = split(typed);
  return make([...g.slice(0, at), ...added, ...g.slice(at)], at + added.length);
}
