import { Box } from 'ink';
import { helpLines } from './screen-lines.js';
import { SegLine } from './SegLine.js';

/** The full key list, in place of the list (never taller than `height`). */
export function Help({ width, height }: { width: number; height: number }) {
  return (
    <Box flexDirection="column">
      {helpLines(height).map((l, i) => <SegLine key={i} line={l} width={width} />)}
    </Box>
  );
}
