/**
 * Terminal cells taken by text, as terminals count them (wcwidth): CJK and emoji take two cells, combining marks and
 * zero-width format characters none. Paths and bodies from senders hold any of these; counting code points instead put
 * every column after a wide character out of line.
 */

// East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W/F, by block; emoji come from the regex below).
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility, Kanbun, CJK strokes, enclosed, compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], // Tangut
  [0x1b000, 0x1b2ff], // Kana supplement, Nushu
  [0x1f200, 0x1f251], // enclosed ideographic supplement
  [0x20000, 0x3fffd], // CJK extensions B and later
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x20-\x7e]*$/;

function wideBlock(cp: number): boolean {
  for (const [lo, hi] of WIDE) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

/** Cells of one character (one code point). */
export function charCells(ch: string): 0 | 1 | 2 {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  if ((cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff)) return 0; // Hangul medial/final jamo join the syllable
  if (wideBlock(cp) || EMOJI.test(ch)) return 2;
  return 1;
}

/** Cells of a string. */
export function cellWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let w = 0;
  for (const ch of text) w += charCells(ch);
  return w;
}

/** The longest start of `text` that fits in `cells`, and how many cells it takes (a wide character is never split). */
export function takeCells(text: string, cells: number): { text: string; width: number } {
  if (ASCII.test(text)) return text.length <= cells ? { text, width: text.length } : { text: text.slice(0, Math.max(0, cells)), width: Math.max(0, cells) };
  let w = 0;
  let end = 0;
  for (const ch of text) {
    const c = charCells(ch);
    if (w + c > cells) break;
    w += c;
    end += ch.length;
  }
  return { text: text.slice(0, end), width: w };
}
