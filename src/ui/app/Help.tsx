import { Box } from 'ink';
import { SegLine } from './SegLine.js';
import type { Line } from './segments.js';

const SECTIONS: Array<[string, Array<[string, string]>]> = [
  ['move', [['j k ↓ ↑', 'next / previous'], ['PgDn PgUp', 'a page'], ['ctrl-d ctrl-u', 'half a page'], ['g G', 'newest / oldest'], ['F', 'follow new requests on/off']]],
  ['view', [['Enter', 'open the request'], ['Esc', 'back (in the list: clear the filter)'], ['Tab Shift-Tab 1-4', 'Request / Signature / Deliveries / Replays'], ['n N', 'next / previous filter text in the tab'], ['o', 'whole body in $PAGER']]],
  ['act', [['r', 'replay to the forward target (asks for a URL if none)'], ['R', 'replay re-signed with a fresh timestamp'], ['e', 'edit the body in $EDITOR, then replay'], ['d', 'send it twice (idempotency check)'], ['y', 'copy as curl (OSC 52, and a file)'], ['x', 'export this request or the filtered rows: curl, HAR, NDJSON'], ['v', 'verify again with the current secrets']]],
  ['filter /', [['text', 'in the path or the body'], ['method:POST path:/stripe', ''], ['provider:github event:push', ''], ['sig:invalid status:5xx', ''], ['delivery:failed dup:yes since:1h', 'terms combine with AND']]],
  ['', [['?', 'this help'], ['q ctrl-c', 'quit']]],
];

/** The full key list, in place of the list (never taller than `height`). */
export function Help({ width, height }: { width: number; height: number }) {
  const lines: Line[] = [[{ text: 'keys', tone: 'bold' }]];
  for (const [title, keys] of SECTIONS) {
    if (title) lines.push([{ text: title, tone: 'accent' }]);
    for (const [k, what] of keys) lines.push([{ text: `  ${k.padEnd(34)}`, tone: 'bold' }, { text: what }]);
  }
  const shown = lines.slice(0, height);
  while (shown.length < height) shown.push([]);
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => <SegLine key={i} line={l} width={width} />)}
    </Box>
  );
}
