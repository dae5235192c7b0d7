import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { captureInto, emptyConfigFile } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

// `hookdev replay --edit`: a file saved empty (or white space only) cancels that request's replay, as kubectl's
// "Edit cancelled, saved file was empty". The real binary, a real app on 127.0.0.1, real histories.

const tmp = makeTempDir('hookdev-replay-cancel-');
const JSON_BODY = '{"id":"evt_1","amount":100}';
let db: string;
let app: TestApp;
beforeAll(async () => {
  db = tmp.path('h.db');
  await captureInto(db, [1, 2, 3].map((n) => ({ path: `/r/${n}`, headers: [['Content-Type', 'application/json']] as Array<[string, string]>, body: JSON_BODY.replace('evt_1', `evt_${n}`) })));
  app = await startApp();
});
afterEach(() => {
  app.received.length = 0;
});
afterAll(async () => {
  await app.stop();
  tmp.cleanup();
});

let editors = 0;
/** An $EDITOR (a node script) that writes `text` over the file it is given; with `only`, just files whose name has it. */
function overwritingEditor(text: string, only?: string): string {
  const script = join(tmp.dir, `blank-${editors++}.mjs`);
  writeFileSync(
    script,
    `import { writeFileSync } from 'node:fs';\nconst f = process.argv[process.argv.length - 1];\n` +
      `if (${JSON.stringify(only ?? '')} === '' || f.includes(${JSON.stringify(only ?? '')})) writeFileSync(f, ${JSON.stringify(text)});\n`,
  );
  return `${process.execPath} ${script}`;
}

const replay = (args: string[], editor: string, history = db) =>
  runCli(['replay', ...args, '--to', app.url, '--edit', '--db', history], { env: { HOOKDEV_CONFIG: emptyConfigFile(), EDITOR: editor } });

const replayRows = (history: string, id: number) => {
  const s = openStore(history);
  try {
    return s.deliveries(id).filter((d) => d.kind === 'replay');
  } finally {
    s.close();
  }
};

describe('replay --edit: an emptied file cancels (real binary)', () => {
  it('the only request, saved empty: nothing sent, one line naming it, exit 1', async () => {
    const r = await replay(['2'], overwritingEditor(''));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: edit of #2 cancelled: the saved file was empty; nothing was sent\n');
    expect(r.stdout.toString()).toBe('');
    // The CLI has exited: anything it sent would have been answered (and so received) before that.
    expect(app.received).toHaveLength(0);
    expect(app.sockets).toHaveLength(0);
    expect(replayRows(db, 2)).toHaveLength(0);
  });

  it('white space only counts as emptied (a JSON body saved as blank lines and tabs)', async () => {
    const r = await replay(['last'], overwritingEditor('\n  \t\n\r\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: edit of #3 cancelled: the saved file was empty; nothing was sent\n');
    expect(app.received).toHaveLength(0);
    expect(replayRows(db, 3)).toHaveLength(0);
  });

  it('in a range, only the emptied request is left out; the rest go, and the exit says one was not sent', async () => {
    const r = await replay(['1..3', '--json'], overwritingEditor('   \n', 'hookdev-2.'));
    expect(r.code).toBe(1);
    expect(app.received.map((x) => x.url)).toEqual(['/r/1', '/r/3']);
    // The others went out byte-exact (their files came back as written).
    expect(app.received.map((x) => x.body.toString())).toEqual([JSON_BODY, JSON_BODY.replace('evt_1', 'evt_3')]);
    const lines = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { event: string; requestId: number; status: number });
    expect(lines.map((l) => [l.event, l.requestId, l.status])).toEqual([['delivery', 1, 200], ['delivery', 3, 200]]);
    expect(r.stderr).toContain('edit of #2 cancelled: the saved file was empty; it is not sent\n');
    expect(r.stderr).toMatch(/hookdev: 2 of 2 replays got 2xx; 1 request not sent \(edit cancelled\)\n$/);
    expect(replayRows(db, 2)).toHaveLength(0);
    expect(replayRows(db, 1).length).toBeGreaterThan(0);
  });

  it('every request of a range emptied: nothing sent, one line naming them all', async () => {
    const r = await replay(['1..2'], overwritingEditor(''));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: edits of #1, #2 cancelled: the saved files were empty; nothing was sent\n');
    expect(app.received).toHaveLength(0);
  });

  it('a body that was empty to begin with and stays empty is unchanged: it is sent, exit 0', async () => {
    const empty = tmp.path('empty.db');
    await captureInto(empty, [{ path: '/e', body: '' }]);
    const r = await replay(['1'], overwritingEditor('\n'), empty);
    expect(r.stderr).not.toMatch(/cancelled/);
    expect(r.code).toBe(0);
    expect(app.received).toHaveLength(1);
    expect(app.received[0]!.url).toBe('/e');
    expect(app.received[0]!.body.length).toBe(0);
  });

  it('--help says what an emptied file does', async () => {
    const r = await runCli(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString().replace(/\s+/g, ' ')).toMatch(/an empty or white-space-only file cancels that request \(nothing sent, exit 1\)/);
  });
});
