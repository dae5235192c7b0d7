import { Box } from 'ink';
import { TABS, TAB_TITLES, type Tab } from './detail-lines.js';
import { SegLine } from './SegLine.js';
import type { Line } from './segments.js';

export interface DetailPaneProps {
  id: number;
  tab: Tab;
  lines: Line[];
  scroll: number;
  height: number;
  width: number;
}

/** Tab bar, then `height` lines of the tab from `scroll`. */
export function DetailPane({ id, tab, lines, scroll, height, width }: DetailPaneProps) {
  const bar: Line = [{ text: `#${id} `, tone: 'bold' }];
  TABS.forEach((t, i) => {
    bar.push({ text: t === tab ? `[${i + 1} ${TAB_TITLES[t]}]` : ` ${i + 1} ${TAB_TITLES[t]} `, tone: t === tab ? 'bold' : 'dim' }, { text: ' ' });
  });
  const more = lines.length > height ? `  ${Math.min(lines.length, scroll + height)}/${lines.length}` : '';
  bar.push({ text: more, tone: 'dim' });
  const out = [];
  for (let i = 0; i < height; i++) {
    const l = lines[scroll + i];
    out.push(<SegLine key={i} line={l ?? []} width={width} />);
  }
  return (
    <Box flexDirection="column">
      <SegLine line={bar} width={width} />
      {out}
    </Box>
  );
}
