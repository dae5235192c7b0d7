import type { FilterView, Status } from './controller.js';
import { fitMiddle, type Line } from './segments.js';

export interface BottomLineProps {
  width: number;
  filter: FilterView;
  status: Status | null;
  prompt: { label: string; input: string } | null;
}

/** The line above the footer: a prompt, the filter being typed, else the last status, else the applied filter. */
export function bottomLine({ width, filter, status, prompt }: BottomLineProps): Line {
  let line: Line;
  if (prompt) line = [{ text: prompt.label, tone: 'bold' }, { text: `${prompt.input}▏` }];
  else if (filter.editing || filter.error) {
    line = [{ text: '/', tone: 'bold' }, { text: filter.editing ? `${filter.input}▏` : filter.input }];
    if (filter.error) line.push({ text: `  ${filter.error}`, tone: 'bad' });
    else line.push(...matchInfo(filter));
  } else if (status) {
    line = [{ text: fitMiddle(status.text, width), tone: status.tone === 'error' ? 'bad' : status.tone === 'ok' ? 'ok' : 'plain' }];
  } else if (filter.applied) {
    line = [{ text: `filter: ${filter.applied}`, tone: 'accent' }, ...matchInfo(filter)];
  } else line = [];
  return line;
}

function matchInfo(f: FilterView): Line {
  if (!f.applied) return [];
  if (f.searching) return [{ text: '  searching…', tone: 'warn' }];
  if (f.matches !== null) return [{ text: `  ${f.matches} match${f.matches === 1 ? '' : 'es'}`, tone: 'dim' }];
  return [];
}
