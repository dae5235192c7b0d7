/** Visible width, ignoring ANSI colour codes. */
function width(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

/** A plain left-aligned table; empty trailing columns are dropped. */
export function renderTable(header: string[], rows: string[][]): string {
  const used = header.map((_, i) => rows.some((r) => (r[i] ?? '') !== ''));
  const cols = header.map((_, i) => i).filter((i) => used[i] || i < 6);
  const widths = cols.map((i) => Math.max(width(header[i]!), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cols
      .map((i, j) => {
        const cell = cells[i] ?? '';
        return j === cols.length - 1 ? cell : cell + ' '.repeat(widths[j]! - width(cell));
      })
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
