import { describe, expect, it } from 'vitest';
import { cellWidth } from '../../../src/ui/app/cells.js';
import { clock, columns, formatRow, headerLine } from '../../../src/ui/app/row-format.js';
import { lineText } from '../../../src/ui/app/segments.js';
import type { RowSummary } from '../../../src/store/browse.js';

const row: RowSummary = {
  id: 4242, receivedAt: Date.now(), source: 'http', method: 'POST', url: '/webhooks/stripe/payments', provider: 'stripe',
  eventType: 'charge.succeeded', signatureStatus: 'invalid', signatureReason: 'no_match', responseStatus: 200, bodySize: 2048,
  duplicateOf: null, rejectedStatus: null, delivery: { status: 502, durationMs: 12, error: null, count: 1 },
};

describe('the time column', () => {
  it("shows today's time of day, an older day's date, an older year's month, always 8 cells", () => {
    const now = new Date(2026, 10, 29, 18, 30, 0).getTime();
    expect(clock(new Date(2026, 10, 29, 0, 0, 1).getTime(), now)).toBe('00:00:01');
    expect(clock(new Date(2026, 10, 28, 23, 59, 59).getTime(), now)).toBe('Nov 28  ');
    expect(clock(new Date(2026, 0, 2, 3, 4, 5).getTime(), now)).toBe('Jan  2  ');
    expect(clock(new Date(2025, 11, 31, 12, 0, 0).getTime(), now)).toBe('2025-12 ');
    for (const ms of [now, now - 86_400_000, 0]) expect(cellWidth(clock(ms, now))).toBe(8);
  });
});

describe('list columns for the terminal width', () => {
  it('80 columns and wider show every column', () => {
    for (const width of [80, 120, 200]) {
      const c = columns(width);
      expect(c).toMatchObject({ time: true, size: true, delivery: true });
      expect(c.prov).toBeGreaterThan(0);
      const text = lineText(formatRow(row, width));
      expect(cellWidth(text)).toBe(width);
      expect(text).toContain('2.0K');
      expect(text).toMatch(/\d\d:\d\d:\d\d/);
    }
  });

  it('a narrow terminal keeps a readable path: time, size, provider, delivery give way in that order', () => {
    const at = (width: number) => ({ c: columns(width), text: lineText(formatRow(row, width)), title: lineText(headerLine(width)) });
    const w70 = at(70);
    expect(w70.c.time).toBe(false);
    expect(w70.c.size).toBe(true);
    expect(w70.text).not.toMatch(/\d\d:\d\d:\d\d/);
    const w40 = at(40);
    expect(w40.c).toMatchObject({ time: false, size: false, prov: 0, delivery: false });
    for (const { c, text, title } of [w70, at(60), at(50), w40]) {
      expect(c.path).toBeGreaterThanOrEqual(16);
      expect(text).toContain('/webhooks/strip');
      // the answer stays, and the titles are over their columns
      expect(text).toContain('200');
      expect(title.indexOf('path')).toBe(text.indexOf('/webhooks'));
      expect(title.indexOf('ans')).toBe(text.indexOf('200'));
    }
    for (const width of [40, 50, 60, 70, 79]) expect(cellWidth(lineText(formatRow(row, width)))).toBe(width);
  });
});
