import { Box } from 'ink';
import { headerLines, type HeaderProps } from './header-lines.js';
import { SegLine } from './SegLine.js';

export { tunnelText, type HeaderProps } from './header-lines.js';

/** Two lines: where requests come in (and the tunnel), then targets and counts. */
export function Header(props: HeaderProps) {
  const [first, second] = headerLines(props);
  return (
    <Box flexDirection="column">
      <SegLine line={first} width={props.width} />
      <SegLine line={second} width={props.width} />
    </Box>
  );
}
