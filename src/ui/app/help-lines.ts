import { wrapLine, type Line } from './segments.js';

const SECTIONS: Array<[string, Array<[string, string]>]> = [
  ['move', [['j k ↓ ↑', 'next / previous'], ['PgDn PgUp', 'a page'], ['ctrl-d ctrl-u', 'half a page'], ['g G', 'newest / oldest'], ['F', 'follow new requests on/off']]],
  ['view', [['Enter', 'open the request'], ['Esc', 'back (in the list: clear the filter)'], ['Tab Shift-Tab 1-4', 'Request / Signature / Deliveries / Replays'], ['n N', 'next / previous filter text in the tab'], ['o', 'whole body in $PAGER']]],
  ['act', [['r', 'replay to the forward target (asks for a URL if none)'], ['R', 'replay re-signed with a fresh timestamp'], ['e', 'edit the body in $EDITOR, then replay'], ['d', 'send it twice (idempotency check)'], ['y', 'copy as curl (OSC 52, and a file)'], ['x', 'export this request or the filtered rows: curl, HAR, NDJSON'], ['v', 'verify again with the current secrets']]],
  ['filter /', [['text', 'in the path or the body'], ['method:POST path:/stripe', ''], ['provider:github event:push', ''], ['sig:invalid status:5xx', ''], ['delivery:failed dup:yes since:1h', 'terms combine with AND'], ['← → Home End ctrl-a ctrl-e', 'move in the line (ctrl/Alt ← →: a word)'], ['ctrl-w ctrl-u ctrl-k', 'delete a word / to the start / to the end']]],
  ['', [['?', 'this help'], ['ctrl-l', 'draw the screen again'], ['ctrl-z', 'suspend to the shell (fg comes back)'], ['q ctrl-c', 'quit']]],
];

/** The help's content (without its title line), wrapped at the width: on a narrow terminal each key's text goes below it. */
export function helpContent(width: number): Line[] {
  const lines: Line[] = [];
  const wide = width >= 70;
  for (const [title, keys] of SECTIONS) {
    if (title) lines.push([{ text: title, tone: 'accent' }]);
    for (const [k, what] of keys) {
      if (wide) {
        // The text wraps in its own column.
        const parts = what ? wrapLine([{ text: what }], width - 36) : [[]];
        parts.forEach((part, i) => lines.push([{ text: i ? ' '.repeat(36) : `  ${k.padEnd(34)}`, tone: 'bold' }, ...part]));
      }
      else {
        lines.push([{ text: `  ${k}`, tone: 'bold' }]);
        if (what) lines.push([{ text: `      ${what}` }]);
      }
    }
  }
  return lines.flatMap((l) => wrapLine(l, width));
}

/**
 * The full key list, in place of the list: a title line, then the content from `scroll` (exactly `height` lines). When
 * it does not fit, the title says where the view is and that j/k scroll.
 */
export function helpLines(height: number, width = 80, scroll = 0): Line[] {
  const content = helpContent(width);
  const room = Math.max(0, height - 1);
  const top = Math.max(0, Math.min(scroll, content.length - room));
  const title: Line = [{ text: 'keys', tone: 'bold' }];
  if (content.length > room) title.push({ text: `  ${Math.min(content.length, top + room)}/${content.length}  j/k scroll, any other key closes`, tone: 'dim' });
  const shown = [title, ...content.slice(top, top + room)].slice(0, height);
  while (shown.length < height) shown.push([]);
  return shown;
}

/** How far the help can scroll at this size. */
export function helpMaxScroll(height: number, width: number): number {
  return Math.max(0, helpContent(width).length - Math.max(0, height - 1));
}
