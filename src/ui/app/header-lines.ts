import type { CountsView, LiveInfo, TunnelView } from './controller.js';
import { cellWidth } from './cells.js';
import { fitMiddle, lineText, type Line } from './segments.js';

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

/** The tunnel in a few words, and how long ago a probe last came back through the public URL. */
export function tunnelText(t: TunnelView | null, now: number, lastProbe: LiveInfo['lastProbe'] = null): { text: string; tone: 'ok' | 'bad' | 'warn' | 'dim' } {
  const s = tunnelState(t, now);
  return lastProbe ? { ...s, text: `${s.text} · probe ${age(now - lastProbe.at)} ago` } : s;
}

/** "online" only after the relay said so. */
function tunnelState(t: TunnelView | null, now: number): { text: string; tone: 'ok' | 'bad' | 'warn' | 'dim' } {
  if (!t) return { text: 'connecting…', tone: 'warn' };
  switch (t.state) {
    case 'connecting':
      return { text: 'connecting…', tone: 'warn' };
    case 'online':
      return { text: `online ${age(now - t.since)}${t.queued ? `, ${t.queued} queued` : ''}`, tone: 'ok' };
    case 'offline':
      return { text: `offline: ${t.reason}`, tone: 'bad' };
    case 'reconnecting':
      return { text: `offline, reconnecting in ${Math.max(0, Math.ceil((t.retryAt - now) / 1000))}s (attempt ${t.attempt})`, tone: 'bad' };
    case 'degraded':
      return { text: `degraded (probe failed ${age(now - t.since)} ago)`, tone: 'warn' };
  }
}

export interface HeaderProps {
  width: number;
  source: string;
  live: LiveInfo | null;
  counts: CountsView;
  now: number;
}

/** Two lines: where requests come in (and the tunnel), then targets and counts. */
export function headerLines({ width, source, live, counts, now }: HeaderProps): [Line, Line] {
  const first: Line = [{ text: 'hookdev ', tone: 'bold' }];
  if (live) {
    first.push({ text: live.localUrl ?? 'starting…', tone: 'key' });
    if (live.relay) {
      const t = tunnelText(live.tunnel, now, live.lastProbe);
      const url = live.publicUrl ?? '(no public URL yet)';
      // The tunnel state must stay in view (at 80 columns a long public URL pushed "online"/"offline" off the line):
      // the URL gives up its middle first.
      const others = cellWidth(`hookdev ${live.localUrl ?? 'starting…'}  relay  ${t.text}`);
      const room = Math.max(16, width - others);
      first.push({ text: '  relay ' }, { text: fitMiddle(url, room), tone: 'key' }, { text: ' ' }, { text: t.text, tone: t.tone });
    }
  } else {
    first.push({ text: `ui  ${source}`, tone: 'dim' });
  }
  const second: Line = [];
  if (live) {
    if (live.targets.length) {
      second.push({ text: `→ ${live.targets.join(', ')} ` });
      const d = live.lastDelivery;
      if (d) {
        const ok = d.status !== null && d.status >= 200 && d.status < 300;
        second.push({ text: d.status === null ? `✗ ${d.error ?? 'failed'}` : `${ok ? '✓' : '✗'} ${d.status}`, tone: ok ? 'ok' : 'bad' }, { text: ` ${age(now - d.at)} ago  `, tone: 'dim' });
      } else second.push({ text: '(nothing forwarded yet)  ', tone: 'dim' });
    } else second.push({ text: 'no forward target  ', tone: 'dim' });
  }
  const c = counts;
  const countsLine: Line = [
    { text: `${c.total}${c.complete ? "" : "+"} request${c.total === 1 ? "" : "s"}`, tone: "bold" },
    { text: '  ' },
    { text: `${c.signatureFailures} ✗sig`, tone: c.signatureFailures ? 'bad' : 'dim' },
    { text: '  ' },
    { text: `${c.failedDeliveries} failed ${c.failedDeliveries === 1 ? 'delivery' : 'deliveries'}`, tone: c.failedDeliveries ? 'bad' : 'dim' },
    { text: '  ' },
    { text: `${c.duplicates} dup`, tone: c.duplicates ? 'warn' : 'dim' },
  ];
  // The counts stay whole: the forward part (targets, the last delivery's error) gives up its middle first.
  const room = width - cellWidth(lineText(countsLine));
  const lead = lineText(second);
  if (second.length && cellWidth(lead) > room) return [first, [{ text: fitMiddle(lead.trimEnd(), Math.max(10, room - 2)) + '  ', tone: second[0]!.tone }, ...countsLine]];
  return [first, [...second, ...countsLine]];
}
