import { Box } from 'ink';
import type { UiSnapshot } from './controller.js';
import { screenLines } from './screen-lines.js';
import type { Line } from './segments.js';
import { SegLine } from './SegLine.js';

export interface ScreenProps {
  snap: UiSnapshot;
  /** The open tab's lines (the controller caches them). */
  detailLines: Line[];
  now: number;
}

/** The whole frame as Ink elements: the same lines the frame writer draws, rows-1 of them at most. */
export function Screen({ snap, detailLines, now }: ScreenProps) {
  const width = Math.max(20, snap.cols);
  return (
    <Box flexDirection="column" width={width}>
      {screenLines(snap, detailLines, now).map((l, i) => <SegLine key={i} line={l.line} width={width} inverse={l.inverse} />)}
    </Box>
  );
}
