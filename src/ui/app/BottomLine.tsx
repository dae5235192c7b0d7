import { bottomLine, type BottomLineProps } from './bottom-line.js';
import { SegLine } from './SegLine.js';

export type { BottomLineProps } from './bottom-line.js';

/** The line above the footer: a prompt, the filter being typed, else the last status, else the applied filter. */
export function BottomLine(props: BottomLineProps) {
  return <SegLine line={bottomLine(props)} width={props.width} />;
}
