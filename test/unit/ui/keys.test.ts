import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KeyParser, KeyReader, type KeyPress } from '../../../src/ui/app/keys.js';

const parse = (...chunks: string[]): KeyPress[] => {
  const p = new KeyParser();
  return chunks.flatMap((c) => p.push(c));
};

describe('KeyParser', () => {
  it('a bracketed paste is one piece of text marked as a paste, newlines and q included, even split over reads', () => {
    expect(parse('j\x1b[200~stripe\rq\x1b[201~k')).toEqual([
      { input: 'j', key: {} },
      { input: 'stripe\rq', key: { paste: true } },
      { input: 'k', key: {} },
    ]);
    const p = new KeyParser();
    expect(p.push('\x1b[20')).toEqual([]);
    expect(p.push('0~a\x1b')).toEqual([]);
    // Inside a paste nothing waits for the Esc timeout: the paste has no time limit.
    expect(p.hasPending()).toBe(false);
    expect(p.push('[20')).toEqual([]);
    expect(p.push('1~')).toEqual([{ input: 'a', key: { paste: true } }]);
    expect(p.push('q')).toEqual([{ input: 'q', key: {} }]);
    // A paste cut off by a hand-off (stop flushes) is dropped, and what follows is read as keys again.
    const cut = new KeyParser();
    expect(cut.push('\x1b[200~half')).toEqual([]);
    expect(cut.flush()).toEqual([]);
    expect(cut.push('j')).toEqual([{ input: 'j', key: {} }]);
  });

  it('keeps printable text together (typed fast or pasted) and marks a capital as shifted', () => {
    expect(parse('j')).toEqual([{ input: 'j', key: {} }]);
    expect(parse('jjj')).toEqual([{ input: 'jjj', key: {} }]);
    expect(parse('G')).toEqual([{ input: 'G', key: { shift: true } }]);
    expect(parse('é✓')).toEqual([{ input: 'é✓', key: {} }]);
    expect(parse('/path:x\r')).toEqual([{ input: '/path:x', key: {} }, { input: '', key: { return: true } }]);
  });

  it('reads cursor keys in both modes, paging, home/end, delete and shift-tab', () => {
    const one = (s: string) => parse(s).map((p) => p.key);
    expect(one('\x1b[A')).toEqual([{ upArrow: true }]);
    expect(one('\x1bOB')).toEqual([{ downArrow: true }]);
    expect(one('\x1b[C\x1b[D')).toEqual([{ rightArrow: true }, { leftArrow: true }]);
    expect(one('\x1b[5~')).toEqual([{ pageUp: true }]);
    expect(one('\x1b[6~')).toEqual([{ pageDown: true }]);
    expect(one('\x1b[H\x1b[F\x1b[1~\x1b[4~')).toEqual([{ home: true }, { end: true }, { home: true }, { end: true }]);
    expect(one('\x1b[3~')).toEqual([{ delete: true }]);
    expect(one('\x1b[Z')).toEqual([{ tab: true, shift: true }]);
    expect(one('\x1b[1;5A')).toEqual([{ ctrl: true, upArrow: true }]);
    expect(one('\x1b[6;2~')).toEqual([{ shift: true, pageDown: true }]);
  });

  it('reads the CSI u form of keys (terminals with extended keys): ctrl-c, ctrl-d, Enter, Esc', () => {
    expect(parse('\x1b[99;5u')).toEqual([{ input: 'c', key: { ctrl: true } }]);
    expect(parse('\x1b[100;5u')).toEqual([{ input: 'd', key: { ctrl: true } }]);
    expect(parse('\x1b[13u\x1b[27u').map((p) => p.key)).toEqual([{ return: true }, { escape: true }]);
    expect(parse('\x1b[106;3u')).toEqual([{ input: 'j', key: { meta: true } }]);
  });

  it('reads control keys as the letter with ctrl, and return, tab, backspace', () => {
    expect(parse('\x04\x15\x03')).toEqual([
      { input: 'd', key: { ctrl: true } },
      { input: 'u', key: { ctrl: true } },
      { input: 'c', key: { ctrl: true } },
    ]);
    expect(parse('\r\n\t\x7f\b').map((p) => p.key)).toEqual([{ return: true }, { return: true }, { tab: true }, { backspace: true }, { backspace: true }]);
  });

  it('waits for a sequence cut between two reads, and holds a lone ESC until flushed', () => {
    const p = new KeyParser();
    expect(p.push('j\x1b[')).toEqual([{ input: 'j', key: {} }]);
    expect(p.hasPending()).toBe(true);
    expect(p.push('6~k')).toEqual([{ input: '', key: { pageDown: true } }, { input: 'k', key: {} }]);
    expect(p.hasPending()).toBe(false);
    expect(p.push('\x1b')).toEqual([]);
    expect(p.flush()).toEqual([{ input: '', key: { escape: true, meta: true } }]);
    expect(p.flush()).toEqual([]);
  });

  it('reads ESC before another ESC or a control as Esc, ESC before a character as Alt, and drops unknown sequences', () => {
    expect(parse('\x1b\x1b[A').map((p) => p.key)).toEqual([{ escape: true, meta: true }, { upArrow: true }]);
    expect(parse('\x1b\r').map((p) => p.key)).toEqual([{ escape: true, meta: true }, { return: true }]);
    expect(parse('\x1bj')).toEqual([{ input: 'j', key: { meta: true } }]);
    // a device attributes answer, a focus event, an F-key: nothing, and the text after them is intact
    expect(parse('\x1b[?1;2c\x1b[I\x1b[15~q')).toEqual([{ input: 'q', key: {} }]);
  });
});

describe('KeyReader', () => {
  it('hands each press over as it is read, flushes a lone ESC once nothing follows, and reads nothing after stop()', async () => {
    const stdin = new PassThrough();
    const got: KeyPress[] = [];
    const reader = new KeyReader(stdin, (p) => got.push(p), 1);
    reader.start();
    stdin.write('j\x1b[6~');
    await waitFor(() => got.length === 2);
    expect(got[1]!.key).toEqual({ pageDown: true });
    stdin.write('\x1b');
    await waitFor(() => got.length === 3);
    expect(got[2]!.key.escape).toBe(true);
    reader.stop();
    stdin.write('k');
    // the reader is off: the byte stays in the stream for whoever reads next (the editor, after a hand-off)
    await new Promise((r) => setImmediate(r));
    expect(got).toHaveLength(3);
    reader.start();
    await waitFor(() => got.length === 4);
    expect(got[3]).toEqual({ input: 'k', key: {} });
    reader.stop();
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
}
