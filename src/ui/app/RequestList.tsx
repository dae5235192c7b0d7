import { Box } from 'ink';
import type { RowSummary } from '../../store/browse.js';
import { formatRow, listTitle } from './row-format.js';
import { SegLine } from './SegLine.js';

export interface RequestListProps {
  rows: RowSummary[];
  cursor: number;
  top: number;
  height: number;
  width: number;
  newAbove: number;
  follow: boolean;
  loading: boolean;
  emptyText: string;
}

/** The window of rows on screen: column titles, then exactly `height` lines (blank-padded so nothing old shows). */
export function RequestList({ rows, cursor, top, height, width, newAbove, follow, loading, emptyText }: RequestListProps) {
  const title = listTitle(width, newAbove, follow);
  const lines = [];
  for (let i = 0; i < height; i++) {
    const r = rows[top + i];
    if (r) lines.push(<SegLine key={r.id} line={formatRow(r, width)} width={width} inverse={top + i === cursor} />);
    else if (i === 0 && rows.length === 0) lines.push(<SegLine key="empty" line={[{ text: loading ? 'searching…' : emptyText, tone: 'dim' }]} width={width} />);
    else lines.push(<SegLine key={`pad${i}`} line={[]} width={width} />);
  }
  return (
    <Box flexDirection="column">
      <SegLine line={title} width={width} />
      {lines}
    </Box>
  );
}
