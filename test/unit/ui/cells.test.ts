import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cellWidth, takeCells } from '../../../src/ui/app/cells.js';
import { FrameWriter } from '../../../src/ui/app/frame-writer.js';
import { formatRow } from '../../../src/ui/app/row-format.js';
import { clipLine, fit, lineText } from '../../../src/ui/app/segments.js';
import { ENTER_SCREEN } from '../../../src/ui/app/terminal.js';
import type { RowSummary } from '../../../src/store/browse.js';

const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

const row = (id: number, url: string): RowSummary => ({
  id, receivedAt: 1_700_000_000_000, source: 'http', method: 'POST', url, provider: 'github', eventType: 'push', signatureStatus: 'valid',
  signatureReason: null, responseStatus: 200, bodySize: 2048, duplicateOf: null, rejectedStatus: null, delivery: null,
});

describe('terminal cells of text', () => {
  it('counts CJK and emoji as two cells, combining marks and zero-width joiners as none', () => {
    expect(cellWidth('/hooks/plain')).toBe(12);
    expect(cellWidth('日本語')).toBe(6);
    expect(cellWidth('한국')).toBe(4);
    expect(cellWidth('ｆｕｌｌ')).toBe(8);
    expect(cellWidth('🎉')).toBe(2);
    expect(cellWidth('e\u0301')).toBe(1);
    expect(cellWidth('a\u200db')).toBe(2);
    // our own marks are one cell each
    expect(cellWidth('✓✗–…▲▏⏎')).toBe(7);
  });

  it('cuts by cells, never in the middle of a wide character, and pads to the exact width', () => {
    expect(takeCells('日本語', 5)).toEqual({ text: '日本', width: 4 });
    expect(fit('日本語', 6)).toBe('日本語');
    expect(fit('日本語', 5)).toBe('日本…');
    expect(fit('日本語', 4)).toBe('日 …');
    expect(fit('日本', 6)).toBe('日本  ');
    expect(cellWidth(fit('/路径/🎉🎉🎉/x', 9))).toBe(9);
    const clipped = clipLine([{ text: 'ab' }, { text: '日本語日本語', tone: 'key' }], 9);
    expect(lineText(clipped)).toBe('ab日本語…');
    expect(cellWidth(lineText(clipped))).toBe(9);
  });

  it('a list row with a CJK or emoji path is exactly the terminal width, its columns in line with an ASCII row', async () => {
    const width = 100;
    const rows = [row(1, '/hooks/plain'), row(2, '/hooks/日本語/パス'), row(3, '/hooks/e\u0301\u0301/ñ'), row(4, '/hooks/' + '漢字'.repeat(40))];
    for (const r of rows) expect(cellWidth(lineText(formatRow(r, width)))).toBe(width);
    // On a terminal: the size column ("2.0K") starts in the same cell on every row.
    const term = new Terminal({ cols: width, rows: 6, allowProposedApi: true });
    const writer = new FrameWriter({ write: (s: string) => void term.write(s) });
    term.write(ENTER_SCREEN);
    writer.draw(rows.map((r) => ({ line: formatRow(r, width) })), width);
    await new Promise<void>((r) => term.write('', r));
    const sizeColumn = (y: number) => {
      const line = term.buffer.active.getLine(y)!;
      for (let x = 0; x < width - 3; x++) {
        if ([0, 1, 2, 3].map((d) => line.getCell(x + d)?.getChars()).join('') === '2.0K') return x;
      }
      return -1;
    };
    const cols = rows.map((_, y) => sizeColumn(y));
    expect(cols[0]).toBeGreaterThan(0);
    expect(cols).toEqual(rows.map(() => cols[0]));
  });
});
