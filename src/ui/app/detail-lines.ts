import { createHash } from 'node:crypto';
import { formatBytes, formatMs } from '../../core/duration.js';
import type { Delivery, StoredRequest, Verdict } from '../../core/types.js';
import { decodeContentEncoding, hexDump, isText } from '../body.js';
import { signatureDetail } from '../json.js';
import { prettyJsonLines } from './pretty-json.js';
import { plain, printable, wrapLine, type Line } from './segments.js';

export type Tab = 'request' | 'signature' | 'deliveries' | 'replays';
export const TABS: readonly Tab[] = ['request', 'signature', 'deliveries', 'replays'];
export const TAB_TITLES: Record<Tab, string> = { request: 'Request', signature: 'Signature', deliveries: 'Deliveries', replays: 'Replays' };

/** What the detail view shows for one request (loaded on demand). */
export interface DetailData {
  request: StoredRequest;
  deliveries: Delivery[];
  /** The verdict of `v` (re-verify with the current secrets), when run. */
  reverified: Verdict | null;
}

/** Bodies above this are shown up to it; `o` opens the whole body in $PAGER. */
export const BODY_DISPLAY_CAP = 64 * 1024;

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The cut at or just before `at` that does not split a UTF-8 character (a cut one would read as binary). */
function utf8Boundary(body: Buffer, at: number): number {
  let i = at;
  while (i > at - 4 && i > 0 && (body[i]! & 0xc0) === 0x80) i--;
  return i;
}

export function bodyLines(r: StoredRequest, foldAt: number): Line[] {
  const out: Line[] = [];
  if (r.rejectedStatus) {
    out.push(plain(`refused with ${r.rejectedStatus}: ${r.rejectedReason ?? ''} (declared ${formatBytes(r.bodySize)}; body not kept)`, 'bad'));
    return out;
  }
  if (r.body.length === 0) return [plain('(empty body)', 'dim')];
  const decoded = decodeContentEncoding(r.headers, r.body);
  let body = r.body;
  if (decoded) {
    out.push(plain(`(${decoded.encoding}-encoded: ${formatBytes(r.body.length)} stored, shown decoded: ${formatBytes(decoded.body.length)})`, 'dim'));
    body = decoded.body;
  }
  const capped = body.length > BODY_DISPLAY_CAP;
  const shown = capped ? body.subarray(0, utf8Boundary(body, BODY_DISPLAY_CAP)) : body;
  if (!isText(shown)) {
    for (const l of hexDump(shown, BODY_DISPLAY_CAP).split('\n')) out.push(plain(l));
  } else {
    const text = shown.toString('utf8');
    // A capped JSON body is still re-indented, up to its last whole token.
    const pretty = prettyJsonLines(text, foldAt, capped);
    if (pretty) out.push(...pretty);
    else for (const l of text.split('\n')) out.push(plain(printable(l.replace(/\r$/, ''))));
  }
  if (capped) out.push(plain(`… ${formatBytes(body.length - BODY_DISPLAY_CAP)} more: press o to open the whole body in $PAGER`, 'warn'));
  return out;
}

function requestLines(r: StoredRequest, width: number): Line[] {
  const out: Line[] = [];
  out.push([{ text: `#${r.id}  `, tone: 'dim' }, { text: `${time(r.receivedAt)}  from ${r.remoteAddr || '?'} via ${r.source}`, tone: 'dim' }]);
  out.push([{ text: r.method, tone: 'bold' }, { text: ` ${printable(r.url)} HTTP/${r.httpVersion}` }]);
  for (const [k, v] of r.headers) out.push([{ text: printable(k), tone: 'key' }, { text: `: ${printable(v)}` }]);
  out.push([]);
  out.push(...bodyLines(r, Math.max(40, width - 20)));
  return out;
}

interface VerdictView {
  status: string | null;
  reason: string | null;
  diagnosis: string | null;
  warnings: string[];
  /** The matching secret, masked to its last 4 characters; undefined for rows captured before it was recorded. */
  secretHint: string | null | undefined;
}

function verdictLines(title: string, v: VerdictView): Line[] {
  const out: Line[] = [];
  const tone = v.status === 'valid' ? 'ok' : v.status === 'invalid' ? 'bad' : v.status === 'no-secret' ? 'warn' : 'dim';
  const mark = v.status === 'valid' ? '✓ valid' : v.status === 'invalid' ? '✗ invalid' : v.status === 'no-secret' ? '? no secret' : v.status ?? '– not checked';
  out.push([{ text: `${title}: `, tone: 'bold' }, { text: mark, tone }]);
  if (v.reason) out.push([{ text: 'reason: ', tone: 'bold' }, { text: printable(v.reason) }]);
  if (v.status === 'valid') {
    out.push(
      v.secretHint
        ? [{ text: 'secret: ', tone: 'bold' }, { text: printable(v.secretHint), tone: 'ok' }, { text: ' matched (last 4 characters)', tone: 'dim' }]
        : [{ text: 'secret: ', tone: 'bold' }, { text: 'not recorded at capture (older history): v names it', tone: 'dim' }],
    );
  }
  if (v.diagnosis) {
    out.push(plain('diagnosis:', 'bold'));
    for (const l of v.diagnosis.split('\n')) out.push(plain(`  ${printable(l)}`));
  }
  for (const w of v.warnings) out.push(plain(`warning: ${printable(w)}`, 'warn'));
  return out;
}

function signatureLines(d: DetailData): Line[] {
  const r = d.request;
  const out: Line[] = [];
  out.push([{ text: 'provider: ', tone: 'bold' }, { text: r.provider ?? 'unknown', tone: 'accent' },
    { text: r.eventType ? `   event ${r.eventType}` : '' }, { text: r.eventId ? `   id ${r.eventId}` : '' }]);
  const detail = signatureDetail(r);
  out.push(...verdictLines('at capture', { status: r.signatureStatus, reason: r.signatureReason, diagnosis: detail.diagnosis, warnings: detail.warnings, secretHint: detail.secretHint }));
  if (detail.code) out.push(plain(`code: ${detail.code}`, 'dim'));
  if (r.duplicateOf) out.push(plain(`duplicate of #${r.duplicateOf} (same provider event id)`, 'warn'));
  out.push([]);
  out.push([{ text: 'body sha256: ', tone: 'bold' }, { text: createHash('sha256').update(r.body).digest('hex') }]);
  out.push(plain(`body: ${r.body.length} bytes stored`, 'dim'));
  out.push([]);
  if (d.reverified) {
    const v = d.reverified;
    out.push(...verdictLines('re-verified now', { status: v.status, reason: v.reason, diagnosis: v.diagnosis ?? null, warnings: v.warnings ?? [], secretHint: v.secretHint ?? null }));
  } else {
    out.push(plain('press v to verify again with the current secrets', 'dim'));
  }
  return out;
}

function deliveryLines(list: Delivery[], empty: string): Line[] {
  if (!list.length) return [plain(empty, 'dim')];
  const out: Line[] = [];
  for (const d of list) {
    const ok = d.status !== null && d.status >= 200 && d.status < 300;
    const result = d.status === null ? `✗ ${d.error ?? 'no answer'}` : `${ok ? '✓' : '✗'} ${d.status}`;
    out.push([
      { text: `${d.kind} #${d.attempt} `, tone: 'bold' },
      { text: `${time(d.startedAt)}  → ${printable(d.target)}  ` },
      { text: result, tone: ok ? 'ok' : 'bad' },
      { text: d.durationMs !== null ? `  ${formatMs(d.durationMs)}` : '', tone: 'dim' },
    ]);
    if (d.error && d.status !== null) out.push(plain(`  ${printable(d.error)}`, 'bad'));
    for (const [k, v] of d.responseHeaders ?? []) out.push([{ text: `  ${printable(k)}`, tone: 'key' }, { text: `: ${printable(v)}` }]);
    if (d.responseBody && d.responseBody.length) {
      const text = isText(d.responseBody) ? d.responseBody.toString('utf8') : hexDump(d.responseBody, 512);
      for (const l of text.split('\n').slice(0, 50)) out.push(plain(`  ${printable(l)}`));
      if (d.responseTruncated) out.push(plain('  (response cut at the storage cap)', 'dim'));
    }
    out.push([]);
  }
  return out;
}

/** The lines of one tab, wrapped at the width: what the detail view scrolls through. */
export function detailLines(d: DetailData, tab: Tab, width: number): Line[] {
  return tabLines(d, tab, width).flatMap((l) => wrapLine(l, width));
}

function tabLines(d: DetailData, tab: Tab, width: number): Line[] {
  switch (tab) {
    case 'request':
      return requestLines(d.request, width);
    case 'signature':
      return signatureLines(d);
    case 'deliveries':
      return deliveryLines(d.deliveries.filter((x) => x.kind !== 'replay'), 'no deliveries (listen forwards with --forward-to)');
    case 'replays':
      return deliveryLines(d.deliveries.filter((x) => x.kind === 'replay'), 'no replays yet: r replays, R re-signs, e edits first, d sends twice');
  }
}
