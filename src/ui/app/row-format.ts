import { formatMs } from '../../core/duration.js';
import type { RowSummary } from '../../store/browse.js';
import { fit, printable, type Line } from './segments.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The time column (8 cells, local time): the time of day for today's requests, the date for older ones (as `ls -l`
 * shows dates: the time of an old request is in its detail view), so yesterday's 14:03 never reads as today's.
 */
export function clock(ms: number, nowMs = Date.now()): string {
  const d = new Date(ms);
  const now = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) {
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  if (d.getFullYear() === now.getFullYear()) return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)}  `;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}`.padEnd(8);
}

export function shortSize(n: number): string {
  if (n < 1000) return `${n}B`;
  if (n < 1000 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)}K`;
  return `${(n / 1024 / 1024).toFixed(1)}M`;
}

/** Which columns a row shows and how wide the variable ones are, for one terminal width. */
export interface Columns {
  path: number;
  /** 0 when the provider/event column is left out. */
  prov: number;
  sig: number;
  time: boolean;
  size: boolean;
  delivery: boolean;
}

/** Below this many cells for the path, columns give way (a row of truncated columns reads as nothing). */
const MIN_PATH = 16;

/**
 * Column widths for a terminal width: path and provider share what the fixed columns leave. On a narrow terminal the
 * path matters most: time, size, provider and delivery give way, in that order, rather than squeezing it to "/hoo…".
 */
export function columns(width: number): Columns {
  const sig = width >= 100 ? 16 : 2;
  const show = { time: true, size: true, prov: true, delivery: true };
  const layout = (): Columns => {
    // id, method, the space after the path, sig, answer, duplicate mark; then the optional fixed ones.
    const fixed = 7 + 7 + 1 + (sig + 1) + 4 + 2 + (show.time ? 9 : 0) + (show.size ? 5 : 0) + (show.delivery ? 12 : 0);
    const rest = Math.max(10, width - fixed);
    const prov = show.prov ? Math.min(28, Math.floor(rest * 0.4)) : 0;
    return { path: rest - (show.prov ? prov + 1 : 0), prov, sig, time: show.time, size: show.size, delivery: show.delivery };
  };
  let c = layout();
  for (const drop of ['time', 'size', 'prov', 'delivery'] as const) {
    if (c.path >= MIN_PATH) break;
    show[drop] = false;
    c = layout();
  }
  return c;
}

function sigCell(r: RowSummary, w: number): { text: string; tone: 'ok' | 'bad' | 'warn' | 'dim' } {
  switch (r.signatureStatus) {
    case 'valid':
      return { text: fit('✓', w), tone: 'ok' };
    case 'invalid':
      return { text: fit(w > 2 ? `✗ ${r.signatureReason ?? ''}` : '✗', w), tone: 'bad' };
    case 'no-secret':
      return { text: fit(w > 2 ? '? no secret' : '?', w), tone: 'warn' };
    default:
      return { text: fit('–', w), tone: 'dim' };
  }
}

function deliveryCell(r: RowSummary): { text: string; tone: 'ok' | 'bad' | 'dim' } {
  const d = r.delivery;
  if (!d) return { text: fit('', 11), tone: 'dim' };
  if (d.status === null) return { text: fit(`✗ ${d.error ?? 'failed'}`, 11), tone: 'bad' };
  const ok = d.status >= 200 && d.status < 300;
  const ms = d.durationMs !== null ? ` ${formatMs(d.durationMs)}` : '';
  return { text: fit(`${ok ? '✓' : '✗'}${d.status}${ms}`, 11), tone: ok ? 'ok' : 'bad' };
}

export function headerLine(width: number): Line {
  const c = columns(width);
  let text = `${fit('#', 6, 'right')} ${c.time ? `${fit('time', 8)} ` : ''}${fit('method', 6)} ${fit('path', c.path)} `;
  if (c.prov) text += `${fit('provider event', c.prov)} `;
  text += `${fit('sig', c.sig)} ${fit('ans', 3)} ${c.delivery ? `${fit('delivery', 11)} ` : ''}${c.size ? fit('size', 5, 'right') : ''}  `;
  return [{ text: fit(text, width), tone: 'dim' }];
}

const rowCache = new WeakMap<RowSummary, { width: number; line: Line }>();

/** One list row, exactly `width` cells wide; colour only repeats what the text says. Cached per row object. */
export function formatRow(r: RowSummary, width: number): Line {
  const hit = rowCache.get(r);
  if (hit && hit.width === width) return hit.line;
  const line = buildRow(r, width);
  rowCache.set(r, { width, line });
  return line;
}

function buildRow(r: RowSummary, width: number): Line {
  const c = columns(width);
  const sig = sigCell(r, c.sig);
  const del = deliveryCell(r);
  const ans = r.responseStatus ?? r.rejectedStatus;
  const ansTone = ans === null ? 'dim' : ans < 300 ? 'ok' : ans < 500 ? 'warn' : 'bad';
  const prov = [r.provider, r.eventType].filter(Boolean).join(' ');
  // Colour only where it carries meaning (verdict, answer, delivery, duplicate): fewer escape codes per row is
  // also what makes a frame cheap for Ink to lay out.
  const line: Line = [
    { text: `${fit(String(r.id), 6, 'right')} ${c.time ? `${clock(r.receivedAt)} ` : ''}${fit(r.method, 6)} ${fit(printable(r.url), c.path)} ${c.prov ? `${fit(printable(prov), c.prov)} ` : ''}` },
    { text: `${sig.text} `, tone: sig.tone === 'dim' ? undefined : sig.tone },
    { text: `${fit(ans === null ? '–' : String(ans), 3)} `, tone: ansTone === 'ok' || ansTone === 'dim' ? undefined : ansTone },
    ...(c.delivery ? [{ text: `${del.text} `, tone: del.tone === 'dim' || del.tone === 'ok' ? undefined : del.tone }] : []),
    { text: c.size ? fit(shortSize(r.bodySize), 5, 'right') : '' },
    { text: r.duplicateOf ? ' D' : '  ', tone: r.duplicateOf ? 'warn' : undefined },
  ];
  // Adjacent plain segments as one: one run of text, no codes between.
  return line.reduce<Line>((out, seg) => {
    const last = out[out.length - 1];
    if (last && !last.tone && !seg.tone) last.text += seg.text;
    else out.push({ ...seg });
    return out;
  }, []);
}

/** The column titles, or the count of new rows waiting above, or that following is off. */
export function listTitle(width: number, newAbove: number, follow: boolean): Line {
  if (newAbove > 0) return [{ text: fit(`▲ ${newAbove} new above (g to go up)`, width), tone: 'warn' }];
  const title = headerLine(width);
  if (!follow) return [{ text: fit(title[0]!.text.trimEnd(), width - 13) + ' [not follow]', tone: 'dim' }];
  return title;
}
