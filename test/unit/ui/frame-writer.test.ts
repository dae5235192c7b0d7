import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../../../src/ui/app/frame-writer.js';
import type { ScreenLine } from '../../../src/ui/app/screen-lines.js';
import { ENTER_SCREEN } from '../../../src/ui/app/terminal.js';

const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

/** A headless xterm fed everything the writer writes, as a terminal would be. */
function screen(cols: number, rows: number) {
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  const writes: string[] = [];
  let queued = Promise.resolve();
  const out = {
    write(s: string) {
      writes.push(s);
      queued = queued.then(() => new Promise<void>((r) => term.write(s, r)));
    },
  };
  out.write(ENTER_SCREEN);
  const text = async () => {
    await queued;
    const b = term.buffer.active;
    return Array.from({ length: term.rows }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  };
  const inverse = async () => {
    await queued;
    const b = term.buffer.active;
    return Array.from({ length: term.rows }, (_, i) => Boolean(b.getLine(b.viewportY + i)?.getCell(0)?.isInverse()));
  };
  return { term, out, writes, text, inverse };
}

const lines = (texts: string[], selected = -1): ScreenLine[] => texts.map((t, i) => ({ line: [{ text: t, tone: i === 0 ? 'bold' : undefined }], inverse: i === selected }));

describe('FrameWriter', () => {
  it('draws the first frame whole, then only the lines that changed, and the screen shows the new frame exactly', async () => {
    const s = screen(30, 6);
    const w = new FrameWriter(s.out);
    const rows = ['header', 'row 3', 'row 2', 'row 1', 'footer'];
    expect(w.draw(lines(rows, 1), 30)).toBe(5);
    expect(await s.text()).toEqual([...rows, '']);
    // the selection moves down one row: two lines change, the rest is not written again
    const before = s.writes.length;
    expect(w.draw(lines(rows, 2), 30)).toBe(2);
    expect(s.writes.length).toBe(before + 1);
    expect(s.writes.at(-1)).not.toContain('header');
    expect(await s.text()).toEqual([...rows, '']);
    expect(await s.inverse()).toEqual([false, false, true, false, false, false]);
    // nothing changed: nothing written
    expect(w.draw(lines(rows, 2), 30)).toBe(0);
    expect(s.writes.length).toBe(before + 1);
  });

  it('leaves nothing of a longer old line or of a taller old frame', async () => {
    const s = screen(30, 6);
    const w = new FrameWriter(s.out);
    w.draw(lines(['a long line of text here', 'second', 'third']), 30);
    w.draw(lines(['short', 'second']), 30);
    expect(await s.text()).toEqual(['short', 'second', '', '', '', '']);
  });

  it('a line wider than the terminal is cut at the margin, never spilling onto the next line', async () => {
    const s = screen(10, 4);
    const w = new FrameWriter(s.out);
    w.draw(lines(['short', 'next']), 10);
    // wide characters: 12 cells, cut to 10 with the mark in the last cell; line 1 is not redrawn
    expect(w.draw(lines(['日本語日本語', 'next']), 10)).toBe(1);
    expect(await s.text()).toEqual(['日本語日 …', 'next', '', '']);
    // a line that the terminal finds wider than we counted (here: a width we were not told) stops at the margin
    expect(w.draw(lines(['日本語日本語', 'next']), 12)).toBe(1);
    expect(await s.text()).toEqual(['日本語日本', 'next', '', '']);
  });

  it('after a resize, an invalidated frame is drawn whole on a cleared screen: no garbage from the old size', async () => {
    const s = screen(40, 8);
    const w = new FrameWriter(s.out);
    w.draw(lines(['h'.repeat(40), 'row 1'.padEnd(40, '.'), 'row 2', 'row 3', 'row 4', 'row 5', 'footer']), 40);
    s.term.resize(20, 5);
    w.invalidate();
    w.draw(lines(['h'.repeat(20), 'row 1', 'row 2', 'footer']), 20);
    expect(await s.text()).toEqual(['h'.repeat(20), 'row 1', 'row 2', 'footer', '']);
    s.term.resize(30, 8);
    w.invalidate();
    w.draw(lines(['header', 'row 1', 'row 2', 'row 3', 'row 4', 'footer']), 30);
    expect(await s.text()).toEqual(['header', 'row 1', 'row 2', 'row 3', 'row 4', 'footer', '', '']);
  });

  it('wraps each frame in synchronized output', () => {
    const writes: string[] = [];
    new FrameWriter({ write: (x: string) => writes.push(x) }).draw(lines(['a']), 10);
    expect(writes[0]!.startsWith('\x1b[?2026h')).toBe(true);
    expect(writes[0]!.endsWith('\x1b[?2026l')).toBe(true);
  });
});

describe('the frame writer and the Ink components draw the same screen', () => {
  it('list and detail views of a real history: the same text line for line, the same selected row', async () => {
    const { render } = await import('ink-testing-library');
    const { createElement } = await import('react');
    const { stripVTControlCharacters } = await import('node:util');
    const { openStore } = await import('../../../src/store/index.js');
    const { Browser } = await import('../../../src/store/browse.js');
    const { Controller } = await import('../../../src/ui/app/controller.js');
    const { Screen } = await import('../../../src/ui/app/Screen.js');
    const { screenLines } = await import('../../../src/ui/app/screen-lines.js');
    const { makeTempDir } = await import('../../helpers/tmp.js');
    const tmp = makeTempDir();
    const store = openStore(tmp.path('same.db'));
    try {
      store.insertMany(
        Array.from({ length: 30 }, (_, i) => ({
          incoming: {
            source: 'http' as const, method: 'POST', url: `/hooks/${i}`, httpVersion: '1.1', remoteAddr: '127.0.0.1',
            headers: [['Content-Type', 'application/json']] as Array<[string, string]>, body: Buffer.from(`{"n":${i}}`), receivedAt: 1_700_000_000_000 + i * 1000,
          },
          verdict: null,
          responseStatus: 200,
        })),
      );
      // ink-testing-library draws 100 columns
      const c = new Controller({ browser: new Browser(store.db), source: 'same.db', cols: 100, rows: 20 });
      c.start();
      c.key('j', {});
      c.key('j', {});
      const now = 1_700_000_100_000;
      for (const step of ['list', 'detail'] as const) {
        if (step === 'detail') c.key('', { return: true });
        const snap = c.getSnapshot();
        const detail = snap.view === 'detail' ? c.detailContent() : [];
        const ink = stripVTControlCharacters(render(createElement(Screen, { snap, detailLines: detail, now })).lastFrame() ?? '').split('\n').map((l) => l.trimEnd());
        const s = screen(100, 20);
        new FrameWriter(s.out).draw(screenLines(snap, detail, now), 100);
        const drawn = (await s.text()).map((l) => l.trimEnd());
        expect(drawn.slice(0, 19)).toEqual(ink);
        expect(drawn[19]).toBe(''); // the last row stays empty: nothing ever scrolls
        if (step === 'list') {
          const inv = await s.inverse();
          expect(drawn[inv.indexOf(true)]).toContain('/hooks/27');
        } else expect(drawn.join('\n')).toContain('Content-Type: application/json');
      }
      c.stop();
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});
