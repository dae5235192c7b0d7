import { memo } from 'react';
import { Text } from 'ink';
import type { Line } from './segments.js';
import { lineToAnsi } from './ansi.js';

/**
 * One screen line as one Text node holding its own SGR codes: a full screen is ~40 nodes instead of ~400, which is
 * what keeps a key press to one cheap render. Clipped to `width` so it never wraps.
 */
export const SegLine = memo(function SegLine({ line, width, inverse = false }: { line: Line; width: number; inverse?: boolean }) {
  return <Text wrap="truncate">{lineToAnsi(line, width, inverse) || ' '}</Text>;
});
