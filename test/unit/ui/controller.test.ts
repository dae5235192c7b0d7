import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.js';
import { Browser } from '../../../src/store/browse.js';
import { Controller } from '../../../src/ui/app/controller.js';
import { ReplayActions } from '../../../src/ui/app/actions.js';
import { screenLines } from '../../../src/ui/app/screen-lines.js';
import { lineText } from '../../../src/ui/app/segments.js';
import type { IncomingWebhook } from '../../../src/core/types.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { startApp, type TestApp } from '../../helpers/forward.js';
import { waitFor } from '../../helpers/http.js';

function incoming(i: number): IncomingWebhook {
  return {
    source: 'http', method: 'POST', url: i % 2 ? `/odd/${i}` : `/even/${i}`, httpVersion: '1.1', remoteAddr: '127.0.0.1',
    headers: [['Host', 'example.test'], ['Content-Type', 'application/json']], body: Buffer.from(`{"i":${i}}`), receivedAt: 1_700_000_000_000 + i,
  };
}

describe('Controller: keyset windows, follow, filter, detail (real SQLite)', () => {
  const tmp = makeTempDir();
  let store: Store;
  let c: Controller;
  let n = 0;
  /** Debounce timers the test fires by hand (an injected clock for the filter's debounce). */
  let timers: Array<() => void> = [];
  const add = (count: number) => {
    const from = store.maxId() + 1;
    store.insertMany(Array.from({ length: count }, (_, k) => ({ incoming: incoming(from + k), verdict: null, responseStatus: 200 })));
  };
  const ids = () => c.getSnapshot().list.map((r) => r.id);
  const selected = () => c.getSnapshot().list[c.getSnapshot().cursor]?.id;
  const settle = () => waitFor(() => !c.getSnapshot().loading && !c.getSnapshot().filter.searching);

  beforeEach(() => {
    store = openStore(tmp.path(`c${n++}.db`));
    timers = [];
    add(500);
    c = new Controller({
      browser: new Browser(store.db),
      source: 'test.db',
      cols: 100,
      rows: 30,
      chunk: 25,
      schedule: (fn) => {
        timers.push(fn);
        return () => (timers = timers.filter((t) => t !== fn));
      },
    });
    c.start();
  });
  afterEach(() => {
    c.stop();
    store.close();
  });
  afterAll(() => tmp.cleanup());

  it('starts on the newest page, never the whole table, and counts everything', async () => {
    expect(c.listHeight).toBe(24);
    expect(ids()[0]).toBe(500);
    expect(ids().length).toBe(50);
    expect(c.getSnapshot().hasOlder).toBe(true);
    await waitFor(() => c.getSnapshot().counts.complete);
    expect(c.getSnapshot().counts.total).toBe(500);
  });

  it('j/k, pages and G/g move through windows loaded on demand, and the window stays bounded', () => {
    c.key('j', {});
    expect(selected()).toBe(499);
    c.key('k', {});
    c.key('', { upArrow: true });
    expect(selected()).toBe(500);
    for (let i = 0; i < 20; i++) c.key('', { pageDown: true });
    expect(selected()).toBe(500 - 20 * 24);
    expect(ids().length).toBeLessThanOrEqual(200);
    c.key('G', {});
    expect(selected()).toBe(1);
    expect(c.getSnapshot().hasOlder).toBe(false);
    // back up from the bottom: rows above the window load as the cursor reaches them
    for (let i = 0; i < 10; i++) c.key('u', { ctrl: true });
    expect(selected()).toBe(1 + 10 * 12);
    c.key('g', {});
    expect(selected()).toBe(500);
    expect(c.getSnapshot().hasNewer).toBe(false);
  });

  it('follows new rows at the head; away from it, counts them above until g', () => {
    add(3);
    c.tick();
    expect(ids().slice(0, 2)).toEqual([503, 502]);
    expect(selected()).toBe(503);
    c.key('j', {});
    add(2);
    c.tick();
    expect(c.getSnapshot().newAbove).toBe(2);
    expect(selected()).toBe(502);
    expect(ids()[0]).toBe(503);
    c.key('g', {});
    expect(selected()).toBe(505);
    expect(c.getSnapshot().newAbove).toBe(0);
    // F: stop following; new rows are counted, not shown
    c.key('F', {});
    add(1);
    c.tick();
    expect(selected()).toBe(505);
    expect(c.getSnapshot().newAbove).toBe(1);
  });

  it('the filter line compiles on a debounce, pages through a chunked scan and counts matches', async () => {
    c.key('/', {});
    expect(c.getSnapshot().filter.editing).toBe(true);
    for (const ch of 'path:/odd') c.key(ch, {});
    expect(timers.length).toBe(1); // one pending debounce, earlier ones cancelled
    timers[0]!();
    await settle();
    expect(ids().every((id) => id % 2 === 1)).toBe(true);
    expect(ids()[0]).toBe(499);
    expect(c.getSnapshot().filter.matches).toBe(250);
    c.key('', { return: true });
    expect(c.getSnapshot().filter.editing).toBe(false);
    // paging under a filter: chunked scans as the cursor goes down
    for (let i = 0; i < 6; i++) {
      c.key('', { pageDown: true });
      await settle();
    }
    expect(selected()! % 2).toBe(1);
    expect(selected()).toBe(499 - 2 * 6 * 24);
    // new matching rows count in
    add(2);
    c.tick();
    expect(c.getSnapshot().filter.matches).toBe(251);
    // Esc in the list clears the filter
    c.key('', { escape: true });
    await settle();
    expect(c.getSnapshot().filter.applied).toBe('');
    expect(ids()[0]).toBe(502);
  });

  it('a bad filter says why and keeps the list', () => {
    const before = ids();
    c.key('/', {});
    for (const ch of 'status:9') c.key(ch, {});
    c.key('', { return: true });
    expect(c.getSnapshot().filter.error).toMatch(/^status: expects/);
    expect(ids()).toEqual(before);
  });

  it('a filter SQLite cannot run (thousands of pasted words) is an error on the filter line; the UI and the list go on', async () => {
    const before = ids();
    c.key('/', {});
    c.key(Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' '), { paste: true });
    c.key('', { return: true });
    expect(c.getSnapshot().filter.error).toMatch(/^this filter cannot run: /);
    expect(ids()).toEqual(before);
    // a live tick meanwhile is fine, and a good filter still runs
    add(1);
    c.tick();
    c.key('/', {});
    c.key('u', { ctrl: true });
    for (const ch of 'path:/even') c.key(ch, {});
    c.key('', { return: true });
    await settle();
    expect(c.getSnapshot().filter.error).toBeNull();
    expect(ids()[0]).toBe(500);
  });

  it('the filter line edits where its cursor is; a move alone starts no search', async () => {
    c.key('/', {});
    for (const ch of 'path:/evn') c.key(ch, {});
    const searches = timers.length;
    c.key('', { leftArrow: true });
    expect(timers.length).toBe(searches);
    expect(c.getSnapshot().filter.cursor).toBe(8);
    c.key('e', {});
    c.key('', { end: true });
    expect(c.getSnapshot().filter).toMatchObject({ input: 'path:/even', cursor: 10 });
    // a paste lands at the cursor too
    c.key('a', { ctrl: true });
    c.key('x ', { paste: true });
    expect(c.getSnapshot().filter).toMatchObject({ input: 'x path:/even', cursor: 2 });
    c.key('', { backspace: true });
    c.key('', { backspace: true });
    c.key('', { return: true });
    await settle();
    expect(c.getSnapshot().filter.applied).toBe('path:/even');
    expect(ids()[0]).toBe(500);
    // reopened, the line holds the applied filter with the cursor at its end
    c.key('/', {});
    expect(c.getSnapshot().filter).toMatchObject({ input: 'path:/even', cursor: 10, editing: true });
  });

  it('keys typed faster than read ("jjj" in one chunk) each count', () => {
    c.key('jjj', {});
    expect(selected()).toBe(497);
  });

  it('a typed-ahead chunk with Enter in it is text then Enter', async () => {
    c.key('/', {});
    c.key('path:/even\r', {});
    await settle();
    expect(c.getSnapshot().filter.editing).toBe(false);
    expect(c.getSnapshot().filter.applied).toBe('path:/even');
    expect(ids()[0]).toBe(500);
  });

  it('a bracketed paste is text: into the filter as one line (never Enter, never q), refused in the list', async () => {
    let quit = 0;
    c.onQuit = () => void quit++;
    const before = selected();
    c.key('jq\rr', { paste: true });
    expect(quit).toBe(0);
    expect(selected()).toBe(before);
    expect(c.getSnapshot().status?.text).toMatch(/paste ignored/);
    c.key('/', {});
    c.key('path:/even\nq', { paste: true });
    expect(c.getSnapshot().filter.editing).toBe(true);
    expect(c.getSnapshot().filter.input).toBe('path:/even q');
    expect(quit).toBe(0);
  });

  it('Enter opens the detail; Tab and Shift-Tab switch tabs; Esc goes back', () => {
    c.key('j', {});
    c.key('', { return: true });
    const s = c.getSnapshot();
    expect(s.view).toBe('detail');
    expect(s.detail!.id).toBe(499);
    expect(c.detailContent().map((l) => l.map((x) => x.text).join('')).some((t) => t === 'Host: example.test')).toBe(true);
    c.key('', { tab: true });
    expect(c.getSnapshot().detail!.tab).toBe('signature');
    c.key('', { tab: true, shift: true });
    c.key('', { tab: true, shift: true });
    expect(c.getSnapshot().detail!.tab).toBe('replays');
    c.key('', { escape: true });
    expect(c.getSnapshot().view).toBe('list');
    expect(selected()).toBe(499);
  });

  it('the help scrolls when it is taller than the screen (80x24): every key can be read; Esc closes it', () => {
    c.resize(80, 24);
    c.key('?', {});
    const shown = () => screenLines(c.getSnapshot(), [], 0).map((l) => lineText(l.line)).join('\n');
    expect(shown()).not.toContain('q ctrl-c');
    expect(shown()).toMatch(/keys {2}\d+\/\d+ {2}j\/k scroll/);
    c.key('G', {});
    expect(shown()).toContain('q ctrl-c');
    c.key('k', {});
    c.key('', { pageUp: true });
    c.key('g', {});
    expect(shown()).toContain('j k ↓ ↑');
    expect(c.getSnapshot().help).toBe(true);
    // narrow and short: still all of it, each key's text below it
    c.resize(40, 10);
    for (let i = 0; i < 100; i++) c.key('j', {});
    expect(shown()).toContain('q ctrl-c');
    c.key('', { escape: true });
    expect(c.getSnapshot().help).toBe(false);
  });

  it('a resize keeps the detail scrolled within its re-wrapped lines', () => {
    store.insertMany([{ incoming: { ...incoming(9999), headers: [['X-Long', 'v'.repeat(3000)]] }, verdict: null, responseStatus: 200 }]);
    c.tick();
    c.key('g', {});
    c.key('', { return: true });
    c.resize(40, 20);
    c.key('G', {});
    const narrow = c.getSnapshot().detail!.scroll;
    expect(narrow).toBeGreaterThan(40);
    c.resize(200, 20);
    const max = Math.max(0, c.detailContent().length - c.detailHeight);
    expect(c.getSnapshot().detail!.scroll).toBe(max);
    // the pane is full of the tab's last lines, not blank
    const shown = screenLines(c.getSnapshot(), c.detailContent(), 0).map((l) => lineText(l.line));
    expect(shown.slice(3, 3 + c.detailHeight)).toEqual(c.detailContent().slice(max, max + c.detailHeight).map(lineText));
  });

  it('a terminal shorter than the chrome: the frame never runs past the last line, the selection and the keys stay in view', () => {
    for (const rows of [2, 3, 5, 7, 8]) {
      c.resize(80, rows);
      const shown = screenLines(c.getSnapshot(), [], 0);
      expect(shown.length).toBeLessThanOrEqual(Math.max(1, rows - 1));
      expect(lineText(shown.at(-1)!.line)).toContain('quit');
      if (rows >= 3) expect(shown.some((l) => l.inverse)).toBe(true);
    }
    c.resize(80, 24);
    expect(screenLines(c.getSnapshot(), [], 0)).toHaveLength(23);
  });

  it('q quits from any view, ? opens the help and any other key closes it', () => {
    let quit = 0;
    c.onQuit = () => void quit++;
    c.key('?', {});
    expect(c.getSnapshot().help).toBe(true);
    c.key('x', {});
    expect(c.getSnapshot().help).toBe(false);
    c.key('', { return: true });
    c.key('q', {});
    expect(quit).toBe(1);
    expect(c.getSnapshot().quit).toBe(true);
  });
});

describe('Controller actions through the real replay functions', () => {
  const tmp = makeTempDir();
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
    tmp.cleanup();
  });

  it('an action key pressed before the actions are loaded waits for them instead of being lost', async () => {
    const store = openStore(tmp.path('early.db'));
    store.insertMany([{ incoming: incoming(1), verdict: null, responseStatus: 200 }]);
    const browser = new Browser(store.db);
    const clip: string[] = [];
    const c = new Controller({ browser, source: 'x', cols: 100, rows: 30 });
    c.start();
    try {
      c.key('y', {});
      expect(c.getSnapshot().status?.text).toBe('loading…');
      c.attachActions(new ReplayActions({
        store, browser, secrets: {}, generic: [], targets: [], env: {}, outDir: tmp.path('early-out'),
        handOff: (fn) => fn(), clipboard: (t) => clip.push(t),
      }));
      await waitFor(() => clip.length === 1);
      expect(clip[0]).toContain('curl');
      await waitFor(() => /copied curl for #1/.test(c.getSnapshot().status?.text ?? ''));
    } finally {
      c.stop();
      store.close();
    }
  });

  it('r with no target asks for a URL, replays there, and shows the result as a status and a delivery', async () => {
    const store = openStore(tmp.path('act.db'));
    store.insertMany([{ incoming: incoming(1), verdict: null, responseStatus: 200 }]);
    const browser = new Browser(store.db);
    const clip: string[] = [];
    const actions = new ReplayActions({
      store, browser, secrets: {}, generic: [], targets: [], env: {}, outDir: tmp.path('out'),
      handOff: (fn) => fn(), clipboard: (t) => clip.push(t),
    });
    const c = new Controller({ browser, source: 'x', actions, cols: 100, rows: 30 });
    c.start();
    try {
      c.key('r', {});
      expect(c.getSnapshot().prompt?.label).toBe('replay #1 to URL: ');
      c.key('u', { ctrl: true });
      for (const ch of `${app.url}/`) c.key(ch, {});
      c.key('', { return: true });
      await waitFor(() => c.getSnapshot().status?.tone === 'ok');
      expect(c.getSnapshot().status!.text).toBe(`#1 → ${app.url}/odd/1: 200 in ${/in (\S+)$/.exec(c.getSnapshot().status!.text)![1]}`);
      expect(app.received.at(-1)!.url).toBe('/odd/1');
      expect(app.received.at(-1)!.body.toString()).toBe('{"i":1}');
      expect(c.getSnapshot().list[0]!.delivery?.status).toBe(200);
      // y: curl on the clipboard and in a file
      c.key('y', {});
      await waitFor(() => c.getSnapshot().status?.text.startsWith('copied curl'));
      expect(clip[0]).toMatch(/^curl .*'http:\/\/example\.test\/odd\/1'/);
    } finally {
      c.stop();
      store.close();
    }
  });
});

describe('Controller in live mode (listen): header facts from the pipeline events', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('tunnel: connecting, then online only once the relay said connected, then reconnecting with a countdown', () => {
    const store = openStore(tmp.path('live.db'));
    let now = 1_000;
    const c = new Controller({ browser: new Browser(store.db), source: 'x', live: { targets: ['http://127.0.0.1:3000'], relay: true }, clock: () => now });
    try {
      c.start();
      c.onEvent({ type: 'listening', url: 'http://127.0.0.1:4747', door: 'http' });
      c.onEvent({ type: 'state', component: 'relay', state: 'connecting', message: 'connecting to the relay…' });
      expect(c.getSnapshot().live).toMatchObject({ localUrl: 'http://127.0.0.1:4747', publicUrl: null, tunnel: { state: 'connecting' } });
      c.onEvent({ type: 'state', component: 'relay', state: 'connected', message: 'connected', detail: { publicUrl: 'https://r.test/ch', queued: 2 } });
      expect(c.getSnapshot().live).toMatchObject({ publicUrl: 'https://r.test/ch', tunnel: { state: 'online', queued: 2 } });
      now = 5_000;
      c.onEvent({ type: 'state', component: 'relay', state: 'reconnecting', message: 'reconnecting in 3s (attempt 2)', detail: { delayMs: 3000, attempt: 2 } });
      expect(c.getSnapshot().live!.tunnel).toEqual({ state: 'reconnecting', since: 5_000, retryAt: 8_000, attempt: 2 });
    } finally {
      c.stop();
      store.close();
    }
  });

  it('tunnel: a probe that came back is remembered with its time (the header shows its age), and ends a degraded state', async () => {
    const store = openStore(tmp.path('probe.db'));
    let now = 1_000;
    const c = new Controller({ browser: new Browser(store.db), source: 'x', live: { targets: [], relay: true }, clock: () => now });
    const { describeTunnelLog, describeTunnelState } = await import('../../../src/tunnel/tunnel-events.js');
    try {
      c.start();
      c.onEvent({ type: 'state', component: 'relay', state: 'connected', message: 'connected', detail: { publicUrl: 'https://r.test/ch', queued: 0 } });
      expect(c.getSnapshot().live!.lastProbe).toBeNull();
      now = 2_000;
      // the events as the listener makes them from the tunnel client's reports
      c.onEvent(describeTunnelLog({ event: 'probe-ok', ms: 14 })!);
      expect(c.getSnapshot().live!.lastProbe).toEqual({ at: 2_000, ms: 14 });
      now = 3_000;
      c.onEvent(describeTunnelState({ state: 'degraded', reason: 'probe through https://r.test/ch failed: timeout' } as never)!);
      expect(c.getSnapshot().live!.tunnel).toMatchObject({ state: 'degraded', since: 3_000 });
      now = 4_000;
      c.onEvent(describeTunnelLog({ event: 'probe-ok', ms: 9 })!);
      expect(c.getSnapshot().live!.tunnel).toMatchObject({ state: 'online', since: 4_000 });
      expect(c.getSnapshot().live!.lastProbe).toEqual({ at: 4_000, ms: 9 });
    } finally {
      c.stop();
      store.close();
    }
  });

  it('counts and the last delivery come from events and show at the next tick (one render per batch)', () => {
    const store = openStore(tmp.path('live2.db'));
    const c = new Controller({ browser: new Browser(store.db), source: 'x', live: { targets: ['http://127.0.0.1:3000'], relay: false } });
    try {
      c.start();
      const [r] = store.insertMany([{ incoming: incoming(1), verdict: null, responseStatus: 200 }]);
      const verdict = { provider: 'github', eventType: 'push', eventId: 'e', status: 'invalid' as const, reason: 'no match' };
      c.onEvent({ type: 'request', id: r!.id, incoming: incoming(1), verdict, duplicateOf: null, answer: null });
      c.onEvent({ type: 'delivery', requestId: r!.id, delivery: { requestId: r!.id, kind: 'forward', target: 'http://127.0.0.1:3000/odd/1', attempt: 1, startedAt: 0, durationMs: 1, status: 502, responseHeaders: null, responseBody: null, responseTruncated: false, error: null } });
      expect(c.getSnapshot().counts.total).toBe(0);
      c.tick();
      const s = c.getSnapshot();
      expect(s.counts).toMatchObject({ total: 1, signatureFailures: 1, failedDeliveries: 1 });
      expect(s.live!.lastDelivery).toMatchObject({ status: 502 });
      expect(s.list[0]!.id).toBe(r!.id);
    } finally {
      c.stop();
      store.close();
    }
  });
});

