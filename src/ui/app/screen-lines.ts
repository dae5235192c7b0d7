import type { RowSummary } from '../../store/browse.js';
import { bottomLine } from './bottom-line.js';
import { CHROME_LINES, type UiSnapshot } from './controller.js';
import { TABS, TAB_TITLES, type Tab } from './detail-lines.js';
import { footerLine, type FooterMode } from './footer-line.js';
import { headerLines } from './header-lines.js';
import { helpLines } from './help-lines.js';
import { formatRow, listTitle } from './row-format.js';
import type { Line } from './segments.js';

/** One line of the screen as drawn: its segments, and whether it is the selection (inverse video). */
export interface ScreenLine {
  line: Line;
  inverse?: boolean;
}

export interface ListLinesProps {
  rows: RowSummary[];
  cursor: number;
  top: number;
  height: number;
  width: number;
  newAbove: number;
  follow: boolean;
  loading: boolean;
  emptyText: string;
}

/** The window of rows: column titles, then exactly `height` lines (blank-padded so nothing old shows). */
export function listLines({ rows, cursor, top, height, width, newAbove, follow, loading, emptyText }: ListLinesProps): ScreenLine[] {
  const out: ScreenLine[] = [{ line: listTitle(width, newAbove, follow) }];
  for (let i = 0; i < height; i++) {
    const r = rows[top + i];
    if (r) out.push({ line: formatRow(r, width), inverse: top + i === cursor });
    else if (i === 0 && rows.length === 0) out.push({ line: [{ text: loading ? 'searching…' : emptyText, tone: 'dim' }] });
    else out.push({ line: [] });
  }
  return out;
}

export interface DetailLinesProps {
  id: number;
  tab: Tab;
  lines: Line[];
  scroll: number;
  height: number;
}

/** Tab bar, then `height` lines of the tab from `scroll`. */
export function detailPaneLines({ id, tab, lines, scroll, height }: DetailLinesProps): Line[] {
  const bar: Line = [{ text: `#${id} `, tone: 'bold' }];
  TABS.forEach((t, i) => {
    bar.push({ text: t === tab ? `[${i + 1} ${TAB_TITLES[t]}]` : ` ${i + 1} ${TAB_TITLES[t]} `, tone: t === tab ? 'bold' : 'dim' }, { text: ' ' });
  });
  const more = lines.length > height ? `  ${Math.min(lines.length, scroll + height)}/${lines.length}` : '';
  bar.push({ text: more, tone: 'dim' });
  const out: Line[] = [bar];
  for (let i = 0; i < height; i++) out.push(lines[scroll + i] ?? []);
  return out;
}

export { helpLines } from './help-lines.js';

export function footerMode(snap: UiSnapshot): FooterMode {
  return snap.prompt ? 'prompt' : snap.filter.editing ? 'filter' : snap.help ? 'help' : snap.view;
}

/**
 * The whole frame, top to bottom: rows-1 lines (never the terminal's last line, so nothing scrolls). The Ink
 * components and the frame writer both draw these lines.
 */
export function screenLines(snap: UiSnapshot, detailContent: Line[], now: number): ScreenLine[] {
  const width = Math.max(20, snap.cols);
  const body = Math.max(1, snap.rows - 1 - CHROME_LINES);
  const out: ScreenLine[] = headerLines({ width, source: snap.source, live: snap.live, counts: snap.counts, now }).map((line) => ({ line }));
  if (snap.help) for (const line of helpLines(body + 1, width, snap.helpScroll)) out.push({ line });
  else if (snap.view === 'detail' && snap.detail) {
    const d = snap.detail;
    for (const line of detailPaneLines({ id: d.id, tab: d.tab, lines: detailContent, scroll: d.scroll, height: body })) out.push({ line });
  } else {
    out.push(
      ...listLines({
        rows: snap.list,
        cursor: snap.cursor,
        top: snap.top,
        height: body,
        width,
        newAbove: snap.newAbove,
        follow: snap.follow,
        loading: snap.loading || snap.filter.searching,
        emptyText: snap.filter.applied ? 'no request matches the filter' : snap.live ? 'waiting for requests…' : 'the history is empty',
      }),
    );
  }
  out.push({ line: bottomLine({ width, filter: snap.filter, status: snap.status, prompt: snap.prompt }) });
  out.push({ line: footerLine(footerMode(snap), width) });
  return fitHeight(out, snap.rows - 1);
}

/**
 * A terminal shorter than the chrome (fewer than 8 rows): the header goes first, then the column titles (or tab bar),
 * then the status line, so the frame never runs past the last line (the terminal would draw the rest over it) and the
 * selection and the keys stay in view.
 */
function fitHeight(lines: ScreenLine[], budget: number): ScreenLine[] {
  const room = Math.max(1, budget);
  if (lines.length <= room) return lines;
  const footer = lines[lines.length - 1]!;
  let body = lines.slice(2, -1);
  if (body.length > room - 1) body = body.slice(1);
  if (body.length > room - 1) body = body.slice(0, -1);
  return [...body.slice(0, room - 1), footer].slice(-room);
}
