import { Box } from 'ink';
import { detailPaneLines, type DetailLinesProps } from './screen-lines.js';
import { SegLine } from './SegLine.js';

export interface DetailPaneProps extends DetailLinesProps {
  width: number;
}

/** Tab bar, then `height` lines of the tab from `scroll`. */
export function DetailPane(props: DetailPaneProps) {
  return (
    <Box flexDirection="column">
      {detailPaneLines(props).map((l, i) => <SegLine key={i} line={l} width={props.width} />)}
    </Box>
  );
}
