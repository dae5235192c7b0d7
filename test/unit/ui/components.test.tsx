import { describe, expect, it } from 'vitest';
import { cellWidth } from '../../../src/ui/app/cells.js';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { RowSummary } from '../../../src/store/browse.js';
import { RequestList } from '../../../src/ui/app/RequestList.js';
import { DetailPane } from '../../../src/ui/app/DetailPane.js';
import { BottomLine } from '../../../src/ui/app/BottomLine.js';
import { Help } from '../../../src/ui/app/Help.js';
import { Header, tunnelText } from '../../../src/ui/app/Header.js';
import { Footer } from '../../../src/ui/app/Footer.js';
import { detailLines } from '../../../src/ui/app/detail-lines.js';
import { prettyJsonLines } from '../../../src/ui/app/pretty-json.js';
import { lineText, wrapLine } from '../../../src/ui/app/segments.js';
import type { StoredRequest } from '../../../src/core/types.js';
import type { LiveInfo } from '../../../src/ui/app/controller.js';

const frame = (f: string | undefined) => stripVTControlCharacters(f ?? '').split('\n');

function row(id: number, over: Partial<RowSummary> = {}): RowSummary {
  return {
    id, receivedAt: new Date(new Date().setHours(3, 4, 5, 0)).getTime(), source: 'http', method: 'POST', url: `/hooks/${id}`,
    provider: 'stripe', eventType: 'charge.succeeded', signatureStatus: 'valid', signatureReason: 'ok', responseStatus: 200,
    bodySize: 2048, duplicateOf: null, rejectedStatus: null, delivery: { status: 200, durationMs: 12, error: null, count: 1 }, ...over,
  };
}

const base = { cursor: 0, top: 0, newAbove: 0, follow: true, loading: false, emptyText: 'the history is empty' };

describe('RequestList', () => {
  it('draws exactly the window: a title line plus `height` lines, each no wider than the terminal', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(30 - i));
    const { lastFrame } = render(<RequestList {...base} rows={rows} top={5} cursor={7} height={10} width={80} />);
    const lines = frame(lastFrame());
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^\s+# time\s+method path/);
    expect(lines[1]).toContain('/hooks/25');
    expect(lines[10]).toContain('/hooks/16');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it('reads without colour: signature mark, answer, delivery with duration, size, duplicate mark', () => {
    const rows = [
      row(3, { signatureStatus: 'invalid', signatureReason: 'no signature matched', duplicateOf: 1, delivery: { status: null, durationMs: null, error: 'refused', count: 1 }, responseStatus: 503 }),
      row(2, { signatureStatus: null, provider: null, eventType: null, delivery: null }),
      row(1),
    ];
    // ink-testing-library's terminal is 100 columns wide
    const lines = frame(render(<RequestList {...base} rows={rows} height={3} width={100} />).lastFrame());
    expect(lines[1]).toMatch(/^\s+3 \d\d:\d\d:\d\d POST\s+\/hooks\/3\s+stripe charge… ✗ no signature … 503 ✗ refused\s+2\.0K D$/);
    expect(lines[2]).toMatch(/\/hooks\/2\s+–\s+200\s+2\.0K\s*$/);
    expect(lines[3]).toMatch(/✓\s+200 ✓200 12ms\s+2\.0K\s*$/);
  });

  it('says how many new rows wait above, and what an empty list means', () => {
    expect(frame(render(<RequestList {...base} rows={[row(1)]} height={2} width={80} newAbove={4} />).lastFrame())[0]).toContain('▲ 4 new above');
    expect(frame(render(<RequestList {...base} rows={[]} height={2} width={80} />).lastFrame())[1]).toContain('the history is empty');
    expect(frame(render(<RequestList {...base} rows={[]} height={2} width={80} loading />).lastFrame())[1]).toContain('searching…');
  });
});

const request: StoredRequest = {
  id: 7, receivedAt: 0, source: 'http', method: 'POST', url: '/hooks/x?y=1', httpVersion: '1.1', remoteAddr: '127.0.0.1',
  headers: [['Host', 'a.test'], ['X-Case', 'One'], ['x-case', 'two']], body: Buffer.from('{"id":12345678901234567890,"n":1.0,"s":"a\\"b","e":{},"l":[]}'),
  bodySize: 60, contentType: 'application/json', provider: 'github', eventType: 'push', eventId: 'e1', signatureStatus: 'invalid',
  signatureReason: 'no signature matched', signatureDetail: { code: 'no_match', diagnosis: 'the body was re-encoded', warnings: [] },
  duplicateOf: null, relayId: null, localPort: null, rejectedStatus: null, rejectedReason: null, responseStatus: 200, importKey: null,
};

describe('DetailPane and its tabs', () => {
  it('Request: request line, headers in received order and case, body re-indented at the token level', () => {
    const lines = detailLines({ request, deliveries: [], reverified: null }, 'request', 80);
    const { lastFrame } = render(<DetailPane id={7} tab="request" lines={lines} scroll={0} height={20} width={80} />);
    const out = frame(lastFrame());
    expect(out[0]).toMatch(/^#7 \[1 Request\]\s+2 Signature/);
    expect(out.slice(2, 6)).toEqual(['POST /hooks/x?y=1 HTTP/1.1', 'Host: a.test', 'X-Case: One', 'x-case: two']);
    // big integers, 1.0 and escapes exactly as sent
    expect(out).toContain('  "id": 12345678901234567890,');
    expect(out).toContain('  "n": 1.0,');
    expect(out).toContain('  "s": "a\\"b",');
    expect(out).toContain('  "e": {},');
    expect(out).toHaveLength(21);
  });

  it('Signature: verdict, reason, diagnosis, body SHA-256', () => {
    const text = detailLines({ request, deliveries: [], reverified: null }, 'signature', 80).map(lineText);
    expect(text).toContain('at capture: ✗ invalid');
    expect(text).toContain('reason: no signature matched');
    expect(text).toContain('  the body was re-encoded');
    expect(text.some((t) => /^body sha256: [0-9a-f]{64}$/.test(t))).toBe(true);
    expect(text.some((t) => t.startsWith('secret:'))).toBe(false);
  });

  it('Signature: which secret matched, by its last 4 characters, at capture and when verified again', () => {
    const valid: StoredRequest = { ...request, signatureStatus: 'valid', signatureReason: 'valid github signature', signatureDetail: { code: null, diagnosis: null, warnings: [], secretHint: '********f00d' } };
    const reverified = { provider: 'github', eventType: 'push', eventId: 'e1', status: 'valid' as const, reason: 'valid github signature', secretHint: '****beef' };
    const text = detailLines({ request: valid, deliveries: [], reverified }, 'signature', 80).map(lineText);
    expect(text).toContain('secret: ********f00d matched (last 4 characters)');
    expect(text).toContain('secret: ****beef matched (last 4 characters)');
    // a row from before the hint was recorded says so, and how to learn it
    const old = detailLines({ request: { ...valid, signatureDetail: { code: null, diagnosis: null, warnings: [] } }, deliveries: [], reverified: null }, 'signature', 80).map(lineText);
    expect(old).toContain('secret: not recorded at capture (older history): v names it');
  });

  it('Deliveries and Replays split the attempts by kind', () => {
    const d = (kind: 'forward' | 'replay', status: number) => ({
      id: 1, requestId: 7, kind, target: 'http://127.0.0.1:3000/x', attempt: 1, startedAt: 0, durationMs: 5, status,
      responseHeaders: [['X-App', 'yes']] as Array<[string, string]>, responseBody: Buffer.from('fine'), responseTruncated: false, error: null,
    });
    const data = { request, deliveries: [d('forward', 500), d('replay', 200)], reverified: null };
    const fwd = detailLines(data, 'deliveries', 80).map(lineText);
    expect(fwd[0]).toMatch(/^forward #1 .*→ http:\/\/127\.0\.0\.1:3000\/x  ✗ 500  5ms$/);
    expect(fwd).toContain('  X-App: yes');
    expect(fwd).toContain('  fine');
    expect(detailLines(data, 'replays', 80).map(lineText)[0]).toMatch(/^replay #1 .*✓ 200/);
  });

  it('a header or body line wider than the terminal wraps: every character can be read, no line is wider than the width', () => {
    const sig = `t=1700000000,v1=${'a'.repeat(64)},v1=${'b'.repeat(64)}`;
    const form = Array.from({ length: 40 }, (_, i) => `field${i}=value${i}`).join('&');
    const long = { ...request, headers: [['Stripe-Signature', sig]] as Array<[string, string]>, contentType: 'application/x-www-form-urlencoded', body: Buffer.from(form) };
    for (const width of [40, 80]) {
      const lines = detailLines({ request: long, deliveries: [], reverified: null }, 'request', width).map(lineText);
      for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(width);
      const all = lines.join('');
      expect(all).toContain(`Stripe-Signature: ${sig}`);
      expect(all).toContain(form);
    }
    // wide characters are never split between two lines
    expect(wrapLine([{ text: 'ab' }, { text: '日本語', tone: 'key' }], 5).map(lineText)).toEqual(['ab日', '本語']);
  });

  it('a body past the display cap: JSON still re-indented up to the cap, UTF-8 text cut between characters stays text', () => {
    const items = Array.from({ length: 20000 }, (_, i) => ({ i, name: `item-${i}` }));
    const big = { ...request, body: Buffer.from(JSON.stringify({ items })) };
    const text = detailLines({ request: big, deliveries: [], reverified: null }, 'request', 80).map(lineText);
    expect(text).toContain('  "items": [');
    expect(text).toContain('      "i": 0,');
    expect(text).toContain('      "name": "item-0"');
    expect(text.at(-1)).toMatch(/more: press o to open the whole body in \$PAGER$/);
    // 'é' is two bytes: one of them falls on the cap
    const utf8 = { ...request, contentType: 'text/plain', body: Buffer.from('é'.repeat(40000)) };
    const lines = detailLines({ request: utf8, deliveries: [], reverified: null }, 'request', 80).map(lineText);
    expect(lines.some((l) => l.startsWith('ééé'))).toBe(true);
    expect(lines.some((l) => /^0000/.test(l))).toBe(false);
  });

  it('binary bodies are a hex dump; ill-formed JSON stays text', () => {
    const bin = { ...request, body: Buffer.from([0, 1, 2, 255]), headers: [] as Array<[string, string]> };
    expect(detailLines({ request: bin, deliveries: [], reverified: null }, 'request', 80).map(lineText).at(-1)).toMatch(/^00000000  00 01 02 ff\s+\|\.\.\.\.\|$/);
    expect(prettyJsonLines('{"a":1')).toBeNull();
    expect(prettyJsonLines('{"a":1}{}')).toBeNull();
  });
});

describe('BottomLine (filter line and status)', () => {
  const f = { input: '', cursor: 0, editing: false, applied: '', error: null, matches: null, searching: false };
  const line = (props: Partial<Parameters<typeof BottomLine>[0]>) =>
    frame(render(<BottomLine width={80} filter={f} status={null} prompt={null} {...props} />).lastFrame())[0];

  it('shows the filter being typed, the searching mark, the match count, and a bad term', () => {
    expect(line({ filter: { ...f, editing: true, input: 'sig:inv', cursor: 7, applied: 'sig:inv', searching: true } })).toBe('/sig:inv▏  searching…');
    expect(line({ filter: { ...f, applied: 'sig:invalid', matches: 3 } })).toBe('filter: sig:invalid  3 matches');
    expect(line({ filter: { ...f, editing: true, input: 'status:9', cursor: 8, error: 'status: expects a code' } })).toBe('/status:9▏  status: expects a code');
    expect(line({ status: { text: '#3 → http://x/: 200 in 4ms', tone: 'ok' } })).toBe('#3 → http://x/: 200 in 4ms');
    // typing past the width: the end of the text and the cursor stay in view
    const typed = 'path:/webhooks/stripe/' + 'x'.repeat(100) + 'END';
    expect(line({ filter: { ...f, editing: true, input: typed, cursor: typed.length } })).toMatch(/^\/….*xEND▏$/);
    expect(cellWidth(line({ filter: { ...f, editing: true, input: typed, cursor: typed.length } }) ?? '')).toBe(80);
    const url = line({ width: 40, prompt: { label: 'edit and replay #60 to URL: ', input: 'http://127.0.0.1:3000/webhooks/stripe/END', cursor: 41 } }) ?? '';
    expect(url).toMatch(/END▏$/);
    expect(cellWidth(url)).toBeLessThanOrEqual(40);
    // wider than the terminal: the middle goes, the end (the file written, the answer) stays
    const long = 'exported 14286 requests as ndjson to /tmp/hookdev/hookdev-export-1795974258074.ndjson';
    const shown = line({ status: { text: long, tone: 'ok' } }) ?? '';
    expect(cellWidth(shown)).toBe(80);
    expect(shown.startsWith('exported 14286')).toBe(true);
    expect(shown.endsWith('hookdev-export-1795974258074.ndjson')).toBe(true);
    expect(line({ prompt: { label: 'replay #3 to URL: ', input: 'http://', cursor: 7 } })).toBe('replay #3 to URL: http://▏');
  });

  it('draws the cursor where it is, and keeps it in view on a line wider than the terminal', () => {
    expect(line({ filter: { ...f, editing: true, input: 'provider:stripe', cursor: 0 } })).toBe('/▏provider:stripe');
    expect(line({ filter: { ...f, editing: true, input: 'provider:stripe', cursor: 9 } })).toBe('/provider:▏stripe');
    expect(line({ prompt: { label: 'replay #3 to URL: ', input: 'http://x/', cursor: 7 } })).toBe('replay #3 to URL: http://▏x/');
    // 200 characters, cursor near the start, in the middle, at the end: 80 cells, the mark and its neighbours shown
    const typed = 'a'.repeat(20) + 'BEFORE' + 'm'.repeat(100) + 'MID' + 'z'.repeat(70) + 'END';
    for (const [cursor, near] of [[26, 'BEFORE▏m'], [126, 'm▏MID'], [typed.length, 'END▏']] as const) {
      const shown = line({ filter: { ...f, editing: true, input: typed, cursor } }) ?? '';
      expect(shown).toContain(near);
      expect(cellWidth(shown)).toBe(80);
    }
    // wide characters: the width stays within the line
    const cjk = '漢字'.repeat(60);
    const shown = line({ filter: { ...f, editing: true, input: cjk, cursor: 60 } }) ?? '';
    expect(shown).toContain('▏');
    expect(cellWidth(shown)).toBeLessThanOrEqual(80);
  });
});

describe('Help, Header, Footer', () => {
  it('Help lists every key and never grows past its height', () => {
    const all = frame(render(<Help width={100} height={60} />).lastFrame()).join('\n');
    for (const k of ['j k ↓ ↑', 'PgDn PgUp', 'ctrl-d ctrl-u', 'g G', 'Enter', 'Esc', 'Tab Shift-Tab', '/', 'n N', 'r ', 'R ', 'e ', 'd ', 'y ', 'x ', 'v ', 'F ', '?', 'q ctrl-c']) {
      expect(all).toContain(k);
    }
    expect(frame(render(<Help width={80} height={10} />).lastFrame())).toHaveLength(10);
  });

  it('Header: never "online" before the relay says so; counts; forward target with the last status', () => {
    const counts = { total: 12, signatureFailures: 2, failedDeliveries: 1, duplicates: 3, complete: true };
    const live = { localUrl: 'http://127.0.0.1:4747', publicUrl: null, relay: true, tunnel: { state: 'connecting' as const, since: 0 }, targets: ['http://localhost:3000'], lastDelivery: { target: 'x', status: 502, error: null, at: 0 }, lastProbe: null };
    const lines = frame(render(<Header width={100} source="h.db" live={live} counts={counts} now={5000} />).lastFrame());
    expect(lines[0]).toBe('hookdev http://127.0.0.1:4747  relay (no public URL yet) connecting…');
    expect(lines[1]).toBe('→ http://localhost:3000 ✗ 502 5s ago  12 requests  2 ✗sig  1 failed delivery  3 dup');
    const online = { ...live, publicUrl: 'https://r.test/c', tunnel: { state: 'reconnecting' as const, since: 0, retryAt: 4000, attempt: 2 } };
    expect(frame(render(<Header width={100} source="h.db" live={online} counts={counts} now={1000} />).lastFrame())[0]).toContain('offline, reconnecting in 3s (attempt 2)');
  });

  it('Header at 80 columns: a long public URL gives up its middle, the tunnel state stays in view', () => {
    const counts = { total: 0, signatureFailures: 0, failedDeliveries: 0, duplicates: 0, complete: true };
    const live: LiveInfo = { localUrl: 'http://127.0.0.1:4747', publicUrl: 'https://hooks.example.com/my-laptop-channel-name', relay: true, tunnel: { state: 'online', since: 0, queued: 0 }, targets: [], lastDelivery: null, lastProbe: { at: 2000, ms: 9 } };
    const first = frame(render(<Header width={80} source="h.db" live={live} counts={counts} now={5000} />).lastFrame())[0]!;
    expect(first).toMatch(/online 5s · probe 3s ago$/);
    expect(first).toMatch(/relay https:\/.*….*-name online/);
    expect(cellWidth(first)).toBeLessThanOrEqual(80);
    // the second line: the counts stay whole, the forward part gives up its middle
    const busy = { ...live, targets: ['http://127.0.0.1:3000/webhooks/stripe'], lastDelivery: { target: 'x', status: null, error: 'connection refused', at: 4000 } };
    const many = { total: 123456, signatureFailures: 12, failedDeliveries: 6, duplicates: 3, complete: true };
    const second = frame(render(<Header width={80} source="h.db" live={busy} counts={many} now={5000} />).lastFrame())[1]!;
    expect(second).toMatch(/^→ http.*….*  123456 requests  12 ✗sig  6 failed deliveries  3 dup$/);
    // wide enough: the whole URL
    expect(frame(render(<Header width={140} source="h.db" live={live} counts={counts} now={5000} />).lastFrame())[0]).toContain('https://hooks.example.com/my-laptop-channel-name online');
  });

  it('Header: the age of the last probe that came back through the public URL, in every tunnel state', () => {
    const counts = { total: 0, signatureFailures: 0, failedDeliveries: 0, duplicates: 0, complete: true };
    const live: LiveInfo = { localUrl: 'http://127.0.0.1:4747', publicUrl: 'https://r.test/c', relay: true, tunnel: { state: 'online', since: 0, queued: 0 }, targets: [], lastDelivery: null, lastProbe: null };
    const first = (l: LiveInfo, now: number) => frame(render(<Header width={120} source="h.db" live={l} counts={counts} now={now} />).lastFrame())[0];
    expect(first(live, 90_000)).toBe('hookdev http://127.0.0.1:4747  relay https://r.test/c online 1m');
    expect(first({ ...live, lastProbe: { at: 60_000, ms: 12 } }, 72_000)).toBe('hookdev http://127.0.0.1:4747  relay https://r.test/c online 1m · probe 12s ago');
    const reconnecting: LiveInfo = { ...live, tunnel: { state: 'reconnecting', since: 0, retryAt: 80_000, attempt: 3 }, lastProbe: { at: 0, ms: 9 } };
    // (ink-testing-library's terminal is 100 columns: the tunnel's words on their own)
    expect(tunnelText(reconnecting.tunnel, 75_000, reconnecting.lastProbe).text).toBe('offline, reconnecting in 5s (attempt 3) · probe 1m ago');
  });

  it('Footer keeps help and quit however narrow', () => {
    const l = frame(render(<Footer mode="list" width={40} />).lastFrame())[0]!;
    expect(l).toMatch(/\? help  q quit\s*$/);
    expect([...l].length).toBeLessThanOrEqual(40);
  });
});

describe('colour carries meaning only', () => {
  it('NO_COLOR (or no terminal) leaves only inverse video for the selection; the text is the same', async () => {
    const { lineToAnsi, setColour, colourWanted } = await import('../../../src/ui/app/ansi.js');
    const line = [{ text: '✗ 500', tone: 'bad' as const }, { text: ' ok' }];
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    setColour(false);
    try {
      expect(lineToAnsi(line, 80)).toBe('✗ 500 ok');
      expect(lineToAnsi(line, 80, true)).toBe('\x1b[7m✗ 500 ok\x1b[27m');
    } finally {
      setColour(true);
    }
    expect(lineToAnsi(line, 80)).toBe('\x1b[31m✗ 500\x1b[22;39m ok');
    expect(stripVTControlCharacters(lineToAnsi(line, 4))).toBe('✗ 5…');
  });
});
