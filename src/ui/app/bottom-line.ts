import type { FilterView, Status } from './controller.js';
import { cellWidth } from './cells.js';
import { fitMiddle, takeCellsFromEnd, type Line } from './segments.js';

export interface BottomLineProps {
  width: number;
  filter: FilterView;
  status: Status | null;
  prompt: { label: string; input: string } | null;
}

/** The line above the footer: a prompt, the filter being typed, else the last status, else the applied filter. */
export function bottomLine({ width, filter, status, prompt }: BottomLineProps): Line {
  let line: Line;
  if (prompt) {
    // A label longer than half the line gives up its middle; the text typed always shows its end (where one types).
    const label = fitMiddle(prompt.label, Math.max(10, Math.floor(width / 2)));
    line = [{ text: label, tone: 'bold' }, { text: `${typedTail(prompt.input, width - cellWidth(label) - 1)}▏` }];
  } else if (filter.editing || filter.error) {
    line = [{ text: '/', tone: 'bold' }, { text: filter.editing ? `${typedTail(filter.input, width - 2)}▏` : filter.input }];
    if (filter.error) line.push({ text: `  ${filter.error}`, tone: 'bad' });
    else line.push(...matchInfo(filter));
  } else if (status) {
    line = [{ text: fitMiddle(status.text, width), tone: status.tone === 'error' ? 'bad' : status.tone === 'ok' ? 'ok' : 'plain' }];
  } else if (filter.applied) {
    line = [{ text: `filter: ${filter.applied}`, tone: 'accent' }, ...matchInfo(filter)];
  } else line = [];
  return line;
}

/** What was typed, or its end after '…' when it is wider than `room` cells: the cursor stays in view. */
function typedTail(text: string, room: number): string {
  if (cellWidth(text) <= room) return text;
  return '…' + takeCellsFromEnd(text, Math.max(0, room - 1));
}

function matchInfo(f: FilterView): Line {
  if (!f.applied) return [];
  if (f.searching) return [{ text: '  searching…', tone: 'warn' }];
  if (f.matches !== null) return [{ text: `  ${f.matches} match${f.matches === 1 ? '' : 'es'}`, tone: 'dim' }];
  return [];
}
