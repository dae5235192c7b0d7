import type { View } from './controller.js';
import type { Line } from './segments.js';

export type FooterMode = View | 'help' | 'filter' | 'prompt';

const KEYS: Record<FooterMode, Array<[string, string]>> = {
  list: [['j/k', 'move'], ['⏎', 'open'], ['/', 'filter'], ['r', 'replay'], ['R', 're-sign'], ['e', 'edit'], ['y', 'curl'], ['x', 'export'], ['F', 'follow'], ['?', 'help'], ['q', 'quit']],
  detail: [['tab', 'next tab'], ['j/k', 'scroll'], ['esc', 'back'], ['r', 'replay'], ['R', 're-sign'], ['e', 'edit'], ['v', 'verify'], ['y', 'curl'], ['o', 'pager'], ['?', 'help'], ['q', 'quit']],
  help: [['j/k', 'scroll'], ['esc', 'close'], ['q', 'quit']],
  filter: [['⏎', 'apply'], ['esc', 'leave'], ['ctrl-u', 'clear'], ['e.g.', 'method:POST sig:invalid status:5xx since:1h text']],
  prompt: [['⏎', 'ok'], ['esc', 'cancel']],
};

/** The keys that apply in the current view, as many as fit; help and quit are always kept (they end the list). */
export function footerLine(mode: FooterMode, width: number): Line {
  const keys = KEYS[mode];
  const tail = keys.filter(([k]) => k === '?' || k === 'q');
  const head = keys.filter(([k]) => k !== '?' && k !== 'q');
  const cost = ([k, what]: [string, string]) => k.length + what.length + 3;
  let room = width - tail.reduce((n, e) => n + cost(e), 0);
  const shown: Array<[string, string]> = [];
  for (const e of head) {
    if (cost(e) > room) break;
    shown.push(e);
    room -= cost(e);
  }
  const line: Line = [];
  for (const [k, what] of [...shown, ...tail]) line.push({ text: k, tone: 'bold' }, { text: ` ${what}  `, tone: 'dim' });
  return line;
}
