import { Box } from 'ink';
import { helpLines } from './help-lines.js';
import { SegLine } from './SegLine.js';

/** The full key list, in place of the list (never taller than `height`). */
export function Help({ width, height, scroll = 0 }: { width: number; height: number; scroll?: number }) {
  return (
    <Box flexDirection="column">
      {helpLines(height, width, scroll).map((l, i) => <SegLine key={i} line={l} width={width} />)}
    </Box>
  );
}
