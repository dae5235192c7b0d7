import type { FilterView, Status } from './controller.js';
import { cellWidth, takeCells } from './cells.js';
import { aroundCursor } from './line-edit.js';
import { fitMiddle, takeCellsFromEnd, type Line } from './segments.js';

export interface BottomLineProps {
  width: number;
  filter: FilterView;
  status: Status | null;
  prompt: { label: string; input: string; cursor: number } | null;
}

/** The line above the footer: a prompt, the filter being typed, else the last status, else the applied filter. */
export function bottomLine({ width, filter, status, prompt }: BottomLineProps): Line {
  let line: Line;
  if (prompt) {
    // A label longer than half the line gives up its middle; the text typed always shows its end (where one types).
    const label = fitMiddle(prompt.label, Math.max(10, Math.floor(width / 2)));
    line = [{ text: label, tone: 'bold' }, { text: typedView(prompt.input, prompt.cursor, width - cellWidth(label)) }];
  } else if (filter.editing || filter.error) {
    line = [{ text: '/', tone: 'bold' }, { text: filter.editing ? typedView(filter.input, filter.cursor, width - 1) : filter.input }];
    if (filter.error) line.push({ text: `  ${filter.error}`, tone: 'bad' });
    else line.push(...matchInfo(filter));
  } else if (status) {
    line = [{ text: fitMiddle(status.text, width), tone: status.tone === 'error' ? 'bad' : status.tone === 'ok' ? 'ok' : 'plain' }];
  } else if (filter.applied) {
    line = [{ text: `filter: ${filter.applied}`, tone: 'accent' }, ...matchInfo(filter)];
  } else line = [];
  return line;
}

/**
 * What was typed with the cursor mark '▏' where the cursor is, in at most `room` cells: a line wider than that
 * loses text on either side behind '…', the cursor and some of the text after it stay in view.
 */
export function typedView(text: string, cursor: number, room: number): string {
  const { before, after } = aroundCursor({ text, cursor });
  const mark = '▏';
  if (cellWidth(text) + 1 <= room) return before + mark + after;
  // Room for the mark and up to a third of the line after it; the text before gets the rest.
  const afterRoom = Math.min(cellWidth(after), Math.floor((room - 1) / 3));
  const beforeRoom = Math.max(0, room - 1 - afterRoom);
  const left = cellWidth(before) <= beforeRoom ? before : '…' + takeCellsFromEnd(before, Math.max(0, beforeRoom - 1));
  const rightRoom = Math.max(0, room - 1 - cellWidth(left));
  const right = cellWidth(after) <= rightRoom ? after : takeCells(after, Math.max(0, rightRoom - 1)).text + '…';
  return left + mark + right;
}

function matchInfo(f: FilterView): Line {
  if (!f.applied) return [];
  if (f.searching) return [{ text: '  searching…', tone: 'warn' }];
  if (f.matches !== null) return [{ text: `  ${f.matches} match${f.matches === 1 ? '' : 'es'}`, tone: 'dim' }];
  return [];
}
