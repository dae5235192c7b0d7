import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, truncateSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { BIN, cliGroup } from '../helpers/cli.js';
import { send, waitFor } from '../helpers/http.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { startPty, type PtyCli } from '../helpers/pty.js';
import { makeTempDir } from '../helpers/tmp.js';
import { openStore } from '../../src/store/index.js';
import type { IncomingWebhook } from '../../src/core/types.js';

const LEAVE = '\x1b[?1049l';

/** The terminal is back as it was: main screen, and the cursor shown again after the alternate screen was left. */
function expectRestored(p: PtyCli): void {
  expect(p.bufferType()).toBe('normal');
  const raw = p.raw();
  const leave = raw.lastIndexOf(LEAVE);
  expect(leave).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049h'));
  expect(raw.lastIndexOf('\x1b[?25h')).toBeGreaterThan(raw.lastIndexOf('\x1b[?25l'));
  // Autowrap (DECAWM) back on, bracketed paste back off.
  expect(raw.lastIndexOf('\x1b[?7h')).toBeGreaterThan(raw.lastIndexOf('\x1b[?7l'));
  expect(raw.lastIndexOf('\x1b[?2004l')).toBeGreaterThan(raw.lastIndexOf('\x1b[?2004h'));
}

describe('the terminal UI in a real pseudo-terminal', () => {
  const tmp = makeTempDir();
  let app: TestApp;
  let p: PtyCli | null = null;
  beforeAll(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    p?.kill('SIGKILL');
    p = null;
  });
  afterAll(async () => {
    await app.stop();
    tmp.cleanup();
  });

  it('listen: rows arrive live, j/k move, Enter opens headers, Tab reaches the signature, / filters, r replays, q restores', async () => {
    p = startPty(['listen', '--port', '0', '--db', tmp.path('live.db'), '--forward-to', app.url], { cols: 80, rows: 24 });
    const first = await p.waitFor(/hookdev http:\/\/127\.0\.0\.1:\d+/);
    const port = /127\.0\.0\.1:(\d+)/.exec(first)![1];
    const url = `http://127.0.0.1:${port}`;
    expect(p.bufferType()).toBe('alternate');
    await send(`${url}/hooks/alpha`, { body: '{"n":1}', headers: [['Content-Type', 'application/json'], ['X-Trace', 'first']] });
    await p.waitFor('/hooks/alpha');
    await send(`${url}/hooks/beta`, { body: '{"n":2}', headers: [['Content-Type', 'application/json'], ['X-Trace', 'second']] });
    await p.waitFor('/hooks/beta');
    await waitFor(() => app.received.length >= 2);
    // Newest first, followed: the selection is the newest row.
    await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/beta')));
    p.write('j');
    await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/alpha')));
    p.write('k');
    await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/beta')));
    p.write('j');
    await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/alpha')));
    p.write('\r');
    await p.waitFor('X-Trace: first');
    p.write('\t');
    await p.waitFor('body sha256');
    await p.waitFor('[2 Signature]');
    p.write('\x1b');
    await p.waitFor('/hooks/beta');
    // Filter: only the matching row stays.
    p.write('/');
    await p.waitFor('/▏');
    p.write('path:beta');
    p.write('\r');
    await p.waitFor((s) => s.includes('filter: path:beta') && !s.includes('/hooks/alpha') && s.includes('/hooks/beta'));
    // Replay the selected row to the app.
    const before = app.received.length;
    p.write('r');
    await waitFor(() => app.received.length > before);
    expect(app.received[app.received.length - 1]!.url).toBe('/hooks/beta');
    await p.waitFor(/#2 → http:\/\/127\.0\.0\.1:\d+\/hooks\/beta: 200/);
    p.write('q');
    expect(await p.exited).toBe(0);
    expectRestored(p);
  });

  it('ui: follows another writer, asks for a URL when there is no target, edits in $EDITOR, survives a resize', async () => {
    const db = tmp.path('browse.db');
    const store = openStore(db);
    const incoming = (i: number): IncomingWebhook => ({
      source: 'http', method: 'POST', url: `/hooks/n${i}`, httpVersion: '1.1', remoteAddr: '127.0.0.1',
      headers: [['Host', 'example.test'], ['Content-Type', 'application/json']], body: Buffer.from(`{"i":${i}}`), receivedAt: Date.now(),
    });
    store.insertMany(Array.from({ length: 60 }, (_, i) => ({ incoming: incoming(i + 1), verdict: null, responseStatus: 200 })));
    const editor = tmp.path('editor.sh');
    // The editor owns the terminal: it says so, reads a line typed by the person, then edits the file.
    writeFileSync(editor, '#!/bin/sh\necho EDITING-NOW\nread answer\nsed -i \'s/: 60/: 600/\' "$1"\n');
    chmodSync(editor, 0o755);
    try {
      p = startPty(['ui', '--db', db], { cols: 80, rows: 24, env: { EDITOR: editor } });
      await p.waitFor('/hooks/n60');
      expect(p.screen().length).toBe(24);
      // Another process writes: the row appears at the top (polling the newest id).
      store.insertMany([{ incoming: incoming(61), verdict: null, responseStatus: 200 }]);
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/n61')));
      // G goes to the oldest, g back to the newest.
      p.write('G');
      await p.waitFor(() => p!.inverseRows().some((r) => /\/hooks\/n1\b/.test(r)));
      p.write('g');
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/n61')));
      p.write('j');
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/hooks/n60')));
      // Edit then replay; no target known, so the UI asks for one.
      p.write('e');
      await p.waitFor('edit and replay #60 to URL: http://127.0.0.1:3000/');
      p.write('\x15'); // ctrl-u clears the line
      p.write(`${app.url}/`);
      const before = app.received.length;
      p.write('\r');
      // The UI stepped aside: main screen, the editor's own output.
      await p.waitFor('EDITING-NOW');
      expect(p.bufferType()).toBe('normal');
      // Keys typed during the edit belong to the editor: none of them acts on the UI (q would quit, j would move).
      p.write('qj\r');
      await p.waitFor(/#60 → .*\/hooks\/n60: 200/);
      expect(p.bufferType()).toBe('alternate');
      expect(p.inverseRows().some((r) => r.includes('/hooks/n60'))).toBe(true);
      await waitFor(() => app.received.length > before);
      expect(app.received[app.received.length - 1]!.body.toString()).toBe('{\n  "i": 600\n}');
      // Resize: the frame is redrawn for the new size, with the footer on the last line but one.
      p.resize(100, 30);
      await p.waitFor((s) => s.split('\n')[0]!.includes('hookdev ui') && s.split('\n')[28]!.includes('q quit'));
      const lines = p.screen();
      expect(lines.filter((l) => l.includes('hookdev ui')).length).toBe(1);
      expect(lines.filter((l) => l.includes('q quit')).length).toBe(1);
      p.resize(80, 24);
      await p.waitFor((s) => s.split('\n')[0]!.includes('hookdev ui') && s.split('\n')[22]!.includes('q quit'));
      expect(p.screen().filter((l) => l.includes('hookdev ui')).length).toBe(1);
      expect(p.screen().filter((l) => l.includes('q quit')).length).toBe(1);
      p.write('?');
      await p.waitFor('keys');
      p.write('q');
      expect(await p.exited).toBe(0);
      expectRestored(p);
    } finally {
      store.close();
    }
  });

  it('listen --relay: online with the age of the last probe; a signed request shows the secret that matched; PgDn, shift-tab', async () => {
    const group = cliGroup({ XDG_CONFIG_HOME: tmp.path('config') });
    const token = 'e2e-ui-relay-token-0123456789';
    const secret = 'gh-secret-for-the-ui-9f3k';
    try {
      const relay = group.start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--db', tmp.path('ui-relay.db')]);
      const relayUrl = (await relay.waitForEvent((e) => e.event === 'listening')).url as string;
      p = startPty(['listen', '--port', '0', '--db', tmp.path('relay-ui.db'), '--relay', relayUrl, '--token', token, '--channel', 'ui-e2e', '--secret', `github=${secret}`], { cols: 120, rows: 24 });
      // The client probes through the public URL as soon as it is connected: the header shows how long ago.
      const head = await p.waitFor(/online \d+s · probe \d+s ago/);
      expect(head).toContain(`${relayUrl}/ui-e2e`);
      const local = /hookdev (http:\/\/127\.0\.0\.1:\d+)/.exec(head)![1]!;
      for (let i = 1; i <= 30; i++) {
        const body = `{"n":${i}}`;
        const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        await send(`${local}/gh/${i}`, { body, headers: [['Content-Type', 'application/json'], ['X-GitHub-Event', 'push'], ['X-GitHub-Delivery', `d-${i}`], ['X-Hub-Signature-256', sig]] });
      }
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/gh/30')));
      // PgDn: a page down (the list shows 18 rows at 24 lines); PgUp back.
      p.write('\x1b[6~');
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/gh/12')));
      p.write('\x1b[5~');
      await p.waitFor(() => p!.inverseRows().some((r) => r.includes('/gh/30')));
      p.write('\r');
      await p.waitFor('[1 Request]');
      // Shift-tab from the first tab wraps to the last; tab from there reaches the first, then the signature.
      p.write('\x1b[Z');
      await p.waitFor('[4 Replays]');
      p.write('\t\t');
      await p.waitFor('[2 Signature]');
      await p.waitFor(`secret: ********9f3k matched (last 4 characters)`);
      expect(p.text()).not.toContain(secret);
      p.write('q');
      expect(await p.exited).toBe(0);
      expectRestored(p);
    } finally {
      await group.killAll();
    }
  });

  it('40 columns: CJK and ASCII paths in line, a bracketed paste into the filter is text (its newline and q do nothing)', async () => {
    const db = tmp.path('narrow.db');
    const store = openStore(db);
    const row = (url: string) => ({ incoming: { source: 'http' as const, method: 'POST', url, httpVersion: '1.1', remoteAddr: '127.0.0.1', headers: [] as Array<[string, string]>, body: Buffer.from('{}'), receivedAt: Date.now() }, verdict: null, responseStatus: 200 });
    store.insertMany([row('/hooks/ascii'), row('/hooks/日本語/パス/長い長い')]);
    store.close();
    p = startPty(['ui', '--db', db], { cols: 40, rows: 12 });
    await p.waitFor('/hooks/ascii');
    const rows = p.screen().filter((l) => l.includes('/hooks/'));
    expect(rows).toHaveLength(2);
    // both rows are exactly 40 cells with the answer in the last column group: nothing pushed past the margin
    for (const r of rows) expect(r.trimEnd()).toMatch(/ 200$/);
    p.write('/');
    await p.waitFor('/▏');
    p.write('\x1b[200~path:/hooks\rq\x1b[201~');
    await p.waitFor('/path:/hooks q▏');
    expect(p.bufferType()).toBe('alternate');
    p.write('\x15'); // ctrl-u
    // the cursor moves in the line: "asci", Left, "s" between, End, "i"
    p.write('asci');
    await p.waitFor('/asci▏');
    p.write('\x1b[D');
    await p.waitFor('/asc▏i');
    p.write('s');
    await p.waitFor('/ascs▏i');
    p.write('\x1b[F\x7f\x7fii\r');
    await p.waitFor((s) => s.includes('filter: ascii') && !s.includes('日本語'));
    // ctrl-l draws the whole screen again (cleared first), and opens nothing
    const mark = p.raw().length;
    p.write('\x0c');
    await p.waitFor(() => p!.raw().slice(mark).includes('\x1b[2J'));
    expect(p.text()).toContain('filter: ascii');
    expect(p.text()).not.toContain('[1 Request]');
    p.write('q');
    expect(await p.exited).toBe(0);
    expectRestored(p);
  });

  it('TERM=dumb (a terminal that cannot move its cursor): ui says so in one line, listen prints its log lines', async () => {
    const db = tmp.path('dumb.db');
    openStore(db).close();
    p = startPty(['ui', '--db', db], { cols: 80, rows: 24, env: { TERM: 'dumb' } });
    expect(await p.exited).toBe(2);
    expect(p.text()).toContain('hookdev ui needs a terminal that can draw a full screen (TERM=dumb)');
    expect(p.raw()).not.toContain('\x1b[?1049h');
    p = startPty(['listen', '--port', '0', '--db', db], { cols: 80, rows: 24, env: { TERM: 'dumb' } });
    await p.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(p.bufferType()).toBe('normal');
    expect(p.raw()).not.toContain('\x1b[?1049h');
  });

  it('ctrl-c in $PAGER is the pager\'s: the UI comes back instead of quitting behind it, then q restores the terminal', async () => {
    const db = tmp.path('pager.db');
    const store = openStore(db);
    store.insertMany([{ incoming: { source: 'http', method: 'POST', url: '/hooks/paged', httpVersion: '1.1', remoteAddr: '127.0.0.1', headers: [['Content-Type', 'application/json']], body: Buffer.from('{"a":1}'), receivedAt: Date.now() }, verdict: null, responseStatus: 200 }]);
    store.close();
    const pager = tmp.path('pager.sh');
    writeFileSync(pager, '#!/bin/sh\necho PAGING-NOW\nread answer\n');
    chmodSync(pager, 0o755);
    p = startPty(['ui', '--db', db], { cols: 80, rows: 24, env: { PAGER: pager } });
    await p.waitFor('/hooks/paged');
    p.write('\r');
    await p.waitFor('[1 Request]');
    p.write('o');
    await p.waitFor('PAGING-NOW');
    expect(p.bufferType()).toBe('normal');
    // ctrl-c in cooked mode: the terminal sends SIGINT to the pager and to us.
    p.write('\x03');
    await p.waitFor(/ended by SIGINT|exited with 130/);
    expect(p.bufferType()).toBe('alternate');
    expect(p.text()).toContain('[1 Request]');
    p.write('q');
    expect(await p.exited).toBe(0);
    expectRestored(p);
  });

  it('ctrl-z stops the UI as a shell job (screen given back), fg brings it back; without job control it says so', async () => {
    const db = tmp.path('suspend.db');
    const store = openStore(db);
    store.insertMany([{ incoming: { source: 'http', method: 'POST', url: '/hooks/suspended', httpVersion: '1.1', remoteAddr: '127.0.0.1', headers: [], body: Buffer.from('x'), receivedAt: Date.now() }, verdict: null, responseStatus: 200 }]);
    store.close();
    // An interactive bash in the PTY: a shell with job control, as a user's is.
    p = startPty(['--norc', '--noprofile', '-i'], { cols: 80, rows: 24, file: '/bin/bash', env: { PS1: 'SHELL> ' } });
    await p.waitFor('SHELL>');
    p.write(`'${process.execPath}' '${BIN}' ui --db '${db}'\r`);
    await p.waitFor('/hooks/suspended');
    expect(p.bufferType()).toBe('alternate');
    p.write('\x1a');
    await p.waitFor(/Stopped/);
    expect(p.bufferType()).toBe('normal');
    expect(p.raw()).toContain(LEAVE);
    p.write('fg\r');
    await p.waitFor((s) => s.includes('/hooks/suspended') && s.includes('back'));
    expect(p.bufferType()).toBe('alternate');
    // keys work again
    p.write('q');
    await p.waitFor(/SHELL> $/m);
    expect(p.bufferType()).toBe('normal');
    p.write('exit\r');
    await p.exited;
    // Started outside any shell (a process group nobody watches), the stop is dropped by the kernel: the UI says so.
    p = startPty(['ui', '--db', db], { cols: 80, rows: 24 });
    await p.waitFor('/hooks/suspended');
    p.write('\x1a');
    await p.waitFor('no shell job control here');
    expect(p.bufferType()).toBe('alternate');
    p.write('q');
    expect(await p.exited).toBe(0);
    expectRestored(p);
  });

  it('listen: SIGHUP restores the terminal (as SIGTERM does)', async () => {
    p = startPty(['listen', '--port', '0', '--db', tmp.path('hup.db')], { cols: 80, rows: 24 });
    await p.waitFor('waiting for requests…');
    p.kill('SIGHUP');
    await p.exited;
    expectRestored(p);
  });

  it('a history that becomes unreadable under the UI: one line, exit 1, the terminal restored', async () => {
    const db = tmp.path('truncated.db');
    const store = openStore(db);
    store.insertMany([{ incoming: { source: 'http', method: 'POST', url: '/hooks/soon-gone', httpVersion: '1.1', remoteAddr: '127.0.0.1', headers: [], body: Buffer.from('x'), receivedAt: Date.now() }, verdict: null, responseStatus: 200 }]);
    store.close();
    p = startPty(['ui', '--db', db], { cols: 80, rows: 24 });
    await p.waitFor('/hooks/soon-gone');
    truncateSync(db, 0);
    expect(await p.exited).toBe(1);
    expectRestored(p);
    const after = p.raw().slice(p.raw().lastIndexOf(LEAVE));
    expect(after).toMatch(/hookdev: the history cannot be read any more: .* \(SQLITE_[A-Z_]+\)/);
    expect(after).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('ui: SIGTERM restores the terminal too', async () => {
    const db = tmp.path('sig.db');
    openStore(db).close();
    p = startPty(['ui', '--db', db], { cols: 80, rows: 24 });
    await p.waitFor('the history is empty');
    p.kill('SIGTERM');
    await p.exited;
    expectRestored(p);
  });
});
