import { Text } from 'ink';
import type { Line, Tone } from './segments.js';
import { clipLine } from './segments.js';

type Style = { color?: string; bold?: boolean; dimColor?: boolean };

const STYLES: Record<Tone, Style> = {
  key: { color: 'cyan' },
  string: { color: 'green' },
  number: { color: 'yellow' },
  literal: { color: 'magenta' },
  punct: {},
  dim: { dimColor: true },
  ok: { color: 'green' },
  bad: { color: 'red' },
  warn: { color: 'yellow' },
  accent: { color: 'magenta' },
  bold: { bold: true },
  plain: {},
};

/** One screen line: clipped to `width` so it never wraps (a wrapped line would push the frame past the screen). */
export function SegLine({ line, width, inverse = false }: { line: Line; width: number; inverse?: boolean }) {
  const clipped = clipLine(line, width);
  return (
    <Text wrap="truncate" inverse={inverse}>
      {clipped.length === 0 ? ' ' : clipped.map((seg, i) => (
        <Text key={i} {...(seg.tone ? STYLES[seg.tone] : {})}>
          {seg.text}
        </Text>
      ))}
    </Text>
  );
}
