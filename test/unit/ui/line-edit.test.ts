import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../src/ui/app/controller.js';
import { aroundCursor, editLine, lineAtEnd, type EditLine } from '../../../src/ui/app/line-edit.js';

/** Apply keys in turn; the line shown with '|' where the cursor is. */
function typeKeys(start: EditLine, ...keys: Array<[string, KeyInfo]>): string {
  let line = start;
  for (const [input, k] of keys) line = editLine(line, input, k) ?? line;
  const { before, after } = aroundCursor(line);
  return `${before}|${after}`;
}

const at = (text: string, cursor: number): EditLine => ({ text, cursor });

describe('editLine', () => {
  it('inserts where the cursor is and moves with the arrows, Home and End', () => {
    expect(typeKeys(lineAtEnd('provider:stripe'), ['', { leftArrow: true }], ['', { leftArrow: true }], ['X', {}])).toBe('provider:striX|pe');
    expect(typeKeys(lineAtEnd('abc'), ['', { home: true }], ['>', {}])).toBe('>|abc');
    expect(typeKeys(at('abc', 0), ['', { end: true }], ['!', {}])).toBe('abc!|');
    expect(typeKeys(at('abc', 0), ['', { leftArrow: true }])).toBe('|abc');
    expect(typeKeys(lineAtEnd('abc'), ['', { rightArrow: true }])).toBe('abc|');
  });

  it('takes the shell keys: ctrl-a/e/b/f/d/h/k/u/w and Alt-b/f/d/Backspace', () => {
    const line = lineAtEnd('provider:stripe status:5xx');
    expect(typeKeys(line, ['a', { ctrl: true }])).toBe('|provider:stripe status:5xx');
    expect(typeKeys(at('ab', 0), ['e', { ctrl: true }])).toBe('ab|');
    expect(typeKeys(line, ['b', { ctrl: true }], ['b', { ctrl: true }])).toBe('provider:stripe status:5|xx');
    expect(typeKeys(at('ab', 0), ['f', { ctrl: true }])).toBe('a|b');
    expect(typeKeys(at('abc', 1), ['d', { ctrl: true }])).toBe('a|c');
    expect(typeKeys(at('abc', 1), ['h', { ctrl: true }])).toBe('|bc');
    expect(typeKeys(at('abc', 1), ['k', { ctrl: true }])).toBe('a|');
    expect(typeKeys(at('abc', 1), ['u', { ctrl: true }])).toBe('|bc');
    expect(typeKeys(line, ['w', { ctrl: true }])).toBe('provider:stripe |');
    expect(typeKeys(at('one two  ', 9), ['w', { ctrl: true }])).toBe('one |');
    expect(typeKeys(line, ['', { backspace: true, meta: true }])).toBe('provider:stripe |');
    expect(typeKeys(line, ['b', { meta: true }])).toBe('provider:stripe |status:5xx');
    expect(typeKeys(at('one two', 0), ['f', { meta: true }])).toBe('one| two');
    expect(typeKeys(at('one two', 3), ['d', { meta: true }])).toBe('one|');
    expect(typeKeys(line, ['', { leftArrow: true, ctrl: true }])).toBe('provider:stripe |status:5xx');
    expect(typeKeys(at('one two', 0), ['', { rightArrow: true, meta: true }])).toBe('one| two');
  });

  it('Backspace deletes before the cursor, Delete at it; nothing happens at the ends', () => {
    expect(typeKeys(at('abc', 2), ['', { backspace: true }])).toBe('a|c');
    expect(typeKeys(at('abc', 2), ['', { delete: true }])).toBe('ab|');
    expect(typeKeys(at('abc', 0), ['', { backspace: true }])).toBe('|abc');
    expect(typeKeys(lineAtEnd('abc'), ['', { delete: true }])).toBe('abc|');
  });

  it('moves over a grapheme whole: an emoji with its modifiers, a letter with its accent, a wide character', () => {
    const family = '👩‍👩‍👧';
    const e = 'e\u0301';
    expect(typeKeys(lineAtEnd(`a${family}b`), ['', { leftArrow: true }], ['', { leftArrow: true }], ['_', {}])).toBe(`a_|${family}b`);
    expect(typeKeys(lineAtEnd(`x${e}`), ['', { backspace: true }])).toBe('x|');
    expect(typeKeys(lineAtEnd('漢字'), ['', { leftArrow: true }], ['_', {}])).toBe('漢_|字');
  });

  it('leaves Enter, Esc, Tab and up/down to the caller, and drops line breaks from typed text', () => {
    for (const k of [{ return: true }, { escape: true }, { tab: true }, { upArrow: true }, { downArrow: true }, { pageUp: true }])
      expect(editLine(at('abc', 1), '', k)).toBeNull();
    expect(editLine(at('abc', 1), 'z', { ctrl: true })).toBeNull();
    expect(editLine(at('abc', 1), 'z', { meta: true })).toBeNull();
    expect(typeKeys(at('ab', 1), ['x\r\ny', {}])).toBe('axy|b');
  });
});
