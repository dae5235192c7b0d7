import { Box } from 'ink';
import { listLines, type ListLinesProps } from './screen-lines.js';
import { SegLine } from './SegLine.js';

export type RequestListProps = ListLinesProps;

/** The window of rows on screen: column titles, then exactly `height` lines (blank-padded so nothing old shows). */
export function RequestList(props: RequestListProps) {
  return (
    <Box flexDirection="column">
      {listLines(props).map((l, i) => <SegLine key={i} line={l.line} width={props.width} inverse={l.inverse} />)}
    </Box>
  );
}
