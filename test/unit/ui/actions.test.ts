import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { openStore, type Store } from '../../../src/store/index.js';
import { Browser } from '../../../src/store/browse.js';
import { Controller } from '../../../src/ui/app/controller.js';
import { ReplayActions, osc52 } from '../../../src/ui/app/actions.js';
import { shouldRunUi } from '../../../src/ui/app/when.js';
import { analyze, getProvider } from '../../../src/signatures/index.js';
import type { IncomingWebhook } from '../../../src/core/types.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { startApp, type TestApp } from '../../helpers/forward.js';
import { waitFor } from '../../helpers/http.js';

const SECRET = 'gh-secret-1234';

describe('UI actions through the functions the commands use', () => {
  const tmp = makeTempDir();
  let app: TestApp;
  let store: Store;
  let c: Controller;
  beforeAll(async () => {
    app = await startApp();
    store = openStore(tmp.path('a.db'));
    const body = Buffer.from('{"ref":"refs/heads/main"}');
    const github = getProvider('github')!;
    // Signed with another secret: invalid at capture; `v` with the right secret says valid.
    const headers = github.sign({ body, headers: [['Host', 'a.test'], ['X-GitHub-Event', 'push'], ['X-GitHub-Delivery', 'd1'], ['Content-Type', 'application/json']], url: 'http://a.test/gh', method: 'POST', secret: 'old-secret', now: 1_700_000_000 });
    const incoming: IncomingWebhook = { source: 'http', method: 'POST', url: '/gh', httpVersion: '1.1', remoteAddr: '127.0.0.1', headers, body, receivedAt: 1_700_000_000_000 };
    const verdict = analyze({ body, headers, url: 'http://a.test/gh', method: 'POST', secrets: { github: ['wrong'] }, now: 1_700_000_000 });
    store.insertMany([{ incoming, verdict, responseStatus: 200 }, { incoming: { ...incoming, url: '/other' }, verdict: null, responseStatus: 200 }]);
    const browser = new Browser(store.db);
    const actions = new ReplayActions({
      store, browser, secrets: { github: [SECRET] }, generic: [], targets: [app.url], env: {}, outDir: tmp.path('out'),
      handOff: (fn) => fn(), clipboard: () => undefined,
    });
    c = new Controller({ browser, source: 'a.db', actions, cols: 100, rows: 30 });
    c.start();
    c.key('j', {}); // #1, the GitHub push
  });
  afterAll(async () => {
    c.stop();
    store.close();
    await app.stop();
    tmp.cleanup();
  });

  it('ctrl-d is half a page and ctrl-r, ctrl-e, ctrl-y nothing: ctrl letters never run the actions of their letters', () => {
    const status = c.getSnapshot().status;
    const prompt = c.getSnapshot().prompt;
    for (const ch of ['d', 'r', 'e', 'y', 'v', 'x']) c.key(ch, { ctrl: true });
    c.key('d', { meta: true });
    expect(c.getSnapshot().status).toBe(status);
    expect(c.getSnapshot().prompt).toBe(prompt);
    // ctrl-d moved half a page down: #1 is the last row, so the selection is still #1
    expect(c.getSnapshot().list[c.getSnapshot().cursor]!.id).toBe(1);
  });

  it('R re-signs with the current secret: the app gets a signature that verifies', async () => {
    const before = app.received.length;
    c.key('R', {});
    await waitFor(() => c.getSnapshot().status?.tone === 'ok');
    expect(c.getSnapshot().status!.text).toMatch(/^#1 re-signed → http:\/\/127\.0\.0\.1:\d+\/gh: 200/);
    const got = app.received[before]!;
    const v = analyze({ body: got.body, headers: got.headers, url: 'http://a.test/gh', method: 'POST', secrets: { github: [SECRET] }, now: Math.floor(Date.now() / 1000) });
    expect(v.status).toBe('valid');
  });

  it('d sends the same request twice', async () => {
    const before = app.received.length;
    c.key('d', {});
    await waitFor(() => /^#1 twice → http:\/\/127\.0\.0\.1:\d+\/gh: 2 of 2 replays got 2xx$/.test(c.getSnapshot().status?.text ?? ''));
    expect(app.received.length - before).toBe(2);
    expect(app.received.at(-1)!.body.equals(app.received.at(-2)!.body)).toBe(true);
  });

  it('v verifies again with the current secrets and shows the verdict in the Signature tab', async () => {
    c.key('', { return: true });
    c.key('', { tab: true });
    c.key('v', {});
    await waitFor(() => c.getSnapshot().status?.text.startsWith('#1 verified again'));
    // Signed with "old-secret", so the current secret does not match either: said, with the reason.
    expect(c.getSnapshot().status!.text).toMatch(/^#1 verified again: ✗ /);
    const text = c.detailContent().map((l) => l.map((s) => s.text).join(''));
    expect(text.some((t) => t.startsWith('re-verified now: ✗ invalid'))).toBe(true);
    c.key('', { escape: true });
  });

  it('x exports the filtered rows (NDJSON) or the selected one (curl) to a file it names', async () => {
    c.key('/', {});
    c.key('path:/other\r', {});
    await waitFor(() => c.getSnapshot().list.length === 1 && !c.getSnapshot().filter.searching);
    c.key('x', {});
    expect(c.getSnapshot().prompt?.label).toMatch(/filtered rows/);
    c.key('n', {});
    await waitFor(() => c.getSnapshot().status?.text.startsWith('exported'));
    const file = /to (\S+)$/.exec(c.getSnapshot().status!.text)![1]!;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).url).toBe('/other');
    c.key('', { escape: true }); // clear the filter
    await waitFor(() => c.getSnapshot().list.length === 2);
  });

  it('v on a valid signature names the secret that matched by its last 4 characters only', async () => {
    const body = Buffer.from('{"ok":true}');
    const headers = getProvider('github')!.sign({ body, headers: [['Host', 'a.test'], ['X-GitHub-Event', 'ping']], url: 'http://a.test/gh', method: 'POST', secret: SECRET, now: 1_700_000_000 });
    store.insertMany([{ incoming: { source: 'http', method: 'POST', url: '/gh2', httpVersion: '1.1', remoteAddr: '', headers, body, receivedAt: 1_700_000_000_000 }, verdict: null, responseStatus: 200 }]);
    c.key('g', {});
    await waitFor(() => c.getSnapshot().list[0]?.url === '/gh2');
    c.key('v', {});
    await waitFor(() => c.getSnapshot().status?.text.startsWith('#3 verified again'));
    expect(c.getSnapshot().status!.text).toBe('#3 verified again: ✓ valid github signature (secret ********1234)');
    expect(c.getSnapshot().status!.text).not.toContain(SECRET);
  });

  it('osc52 carries the text base64-encoded', () => {
    expect(osc52('curl x')).toBe(`\x1b]52;c;${Buffer.from('curl x').toString('base64')}\x07`);
  });
});

describe('o: the body in $PAGER', () => {
  it('a gzip body opens decoded, as the Request tab shows it', async () => {
    const tmp = makeTempDir();
    const store = openStore(tmp.path('pager.db'));
    try {
      const json = '{"hello":"gzip world"}';
      store.insertMany([{ incoming: {
        source: 'http', method: 'POST', url: '/gz', httpVersion: '1.1', remoteAddr: '127.0.0.1',
        headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: gzipSync(json), receivedAt: Date.now(),
      }, verdict: null, responseStatus: 200 }]);
      const seen = tmp.path('seen');
      const pager = tmp.path('pager.sh');
      writeFileSync(pager, `#!/bin/sh\ncp "$1" ${JSON.stringify(seen)}\n`);
      chmodSync(pager, 0o755);
      const actions = new ReplayActions({
        store, browser: new Browser(store.db), secrets: {}, generic: [], targets: [], env: { PAGER: pager }, outDir: tmp.path('out'),
        handOff: (fn) => fn(), clipboard: () => undefined,
      });
      expect(await actions.pager(1)).toEqual({ ok: true, message: `closed ${pager}` });
      expect(readFileSync(seen, 'utf8')).toBe(json);
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});

describe('e: an emptied file cancels, as replay --edit does', () => {
  it('nothing reaches the app and the status says why, naming the request', async () => {
    const tmp = makeTempDir();
    const store = openStore(tmp.path('edit.db'));
    const app = await startApp();
    try {
      store.insertMany([{ incoming: {
        source: 'http', method: 'POST', url: '/e', httpVersion: '1.1', remoteAddr: '127.0.0.1',
        headers: [['Content-Type', 'application/json']], body: Buffer.from('{"a":1}'), receivedAt: Date.now(),
      }, verdict: null, responseStatus: 200 }]);
      const editor = tmp.path('blank.sh');
      writeFileSync(editor, '#!/bin/sh\nprintf " \\n" > "$1"\n');
      chmodSync(editor, 0o755);
      const actions = new ReplayActions({
        store, browser: new Browser(store.db), secrets: {}, generic: [], targets: [app.url], env: { EDITOR: editor }, outDir: tmp.path('out'),
        handOff: (fn) => fn(), clipboard: () => undefined,
      });
      expect(await actions.replay(1, 'edit')).toEqual({ ok: false, message: '#1 edit cancelled: the saved file was empty; nothing was sent' });
      expect(app.received).toHaveLength(0);
      expect(store.deliveries(1)).toHaveLength(0);
    } finally {
      await app.stop();
      store.close();
      tmp.cleanup();
    }
  });
});

describe('R on a Discord request: the UI holds only the public key', () => {
  it('nothing is sent, and the status says why and how to re-sign it (replay with the private key)', async () => {
    const tmp = makeTempDir();
    const store = openStore(tmp.path('discord.db'));
    const app = await startApp();
    try {
      const body = Buffer.from('{"type":1}');
      const headers: [string, string][] = [['X-Signature-Ed25519', '00'.repeat(64)], ['X-Signature-Timestamp', '1700000000'], ['Content-Type', 'application/json']];
      const publicKey = 'ab'.repeat(32);
      const verdict = analyze({ body, headers, url: 'http://a.test/i', method: 'POST', secrets: { discord: [publicKey] }, now: 1_700_000_000 });
      expect(verdict.provider).toBe('discord');
      store.insertMany([{ incoming: { source: 'http', method: 'POST', url: '/i', httpVersion: '1.1', remoteAddr: '127.0.0.1', headers, body, receivedAt: Date.now() }, verdict, responseStatus: 200 }]);
      const actions = new ReplayActions({
        store, browser: new Browser(store.db), secrets: { discord: [publicKey] }, generic: [], targets: [app.url], env: {}, outDir: tmp.path('out'),
        handOff: (fn) => fn(), clipboard: () => undefined,
      });
      expect(await actions.replay(1, 'resign')).toEqual({
        ok: false,
        message: '#1 is a Discord request: re-signing needs the private key, and the discord secret here is the public key; use hookdev replay 1 --resign --secret discord=…',
      });
      expect(app.received).toHaveLength(0);
    } finally {
      await app.stop();
      store.close();
      tmp.cleanup();
    }
  });
});

describe('when listen shows the UI', () => {
  const tty = { stdout: true, stdin: true };
  it('only for a person at a terminal', () => {
    expect(shouldRunUi({ ui: true, json: false }, tty, {})).toBe(true);
    expect(shouldRunUi({ ui: false, json: false }, tty, {})).toBe(false);
    expect(shouldRunUi({ ui: true, json: true }, tty, {})).toBe(false);
    expect(shouldRunUi({ ui: true, json: false }, { stdout: false, stdin: true }, {})).toBe(false);
    expect(shouldRunUi({ ui: true, json: false }, { stdout: true, stdin: false }, {})).toBe(false);
    expect(shouldRunUi({ ui: true, json: false }, tty, { CI: 'true' })).toBe(false);
    expect(shouldRunUi({ ui: true, json: false }, tty, { CI: 'false' })).toBe(true);
    expect(shouldRunUi({ ui: true, json: false }, tty, { CI: '' })).toBe(true);
    // A terminal that cannot move its cursor (Emacs' shell) gets the log lines.
    expect(shouldRunUi({ ui: true, json: false }, tty, { TERM: 'dumb' })).toBe(false);
    expect(shouldRunUi({ ui: true, json: false }, tty, { TERM: 'screen' })).toBe(true);
  });
});
