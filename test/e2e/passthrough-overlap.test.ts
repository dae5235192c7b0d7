// `--passthrough`: the request goes to the app while it is being committed, not after (a lone request no longer
// waits for its commit before the app sees it). What is promised to the sender does not move: its answer waits for
// the commit, and a request that could not be kept is answered 503 even though the app saw it and said 200.
// The commit is held up for real: the test holds the history's write lock from another connection.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { send, waitFor, type RawResponse } from '../helpers/http.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('hookdev-overlap-');
let app: TestApp;
let listen: RunningCli;
let url = '';
const db = tmp.path('history.db');

beforeAll(async () => {
  app = await startApp((_req, res) => {
    res.writeHead(201, { 'Content-Type': 'text/plain' });
    res.end('from the app');
  });
  listen = startCli(['listen', '--port', '0', '--json', '--db', db, '--forward-to', app.url, '--passthrough']);
  url = (await listen.waitForEvent((e) => e.event === 'listening')).url as string;
  // A kept-alive connection to the app: the next forward is written at once, not after a connect.
  expect((await send(`${url}/warm`, { body: 'warm' })).status).toBe(201);
});

afterAll(async () => {
  await listen.stop();
  await app.stop();
  tmp.cleanup();
});

/** Another writer on the history: the listener's next commit waits for it (busy timeout 5 s). */
function holdWriteLock(): { release(): void } {
  const other = new Database(db);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

describe('listen --forward-to --passthrough: forward and commit overlap', () => {
  it('the app gets the request while its commit waits; the sender gets the app answer only once it is committed', async () => {
    const lock = holdWriteLock();
    let answered: RawResponse | null = null;
    const sent = send(`${url}/during-commit`, { body: 'overlap' }).then((r) => (answered = r));
    try {
      await waitFor(() => app.received.find((r) => r.url === '/during-commit'), { timeoutMs: 3000 });
      expect(answered).toBeNull(); // not committed yet, so not answered
    } finally {
      lock.release();
    }
    const r = await sent;
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe('from the app');
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--db', db])).stdout.toString()) as Record<string, unknown>;
    expect(shown.path ?? shown.url).toBe('/during-commit');
    expect((shown.deliveries as Array<{ status: number }>).map((d) => d.status)).toEqual([201]);
  });

  it('a request that cannot be committed is answered 503, not with the app answer it already got', async () => {
    const lock = holdWriteLock();
    try {
      const r = await send(`${url}/never-kept`, { body: 'lost' }); // the listener gives up after its 5 s busy timeout
      expect(r.status).toBe(503);
      expect(r.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1]).toBe('1');
      expect(app.received.some((q) => q.url === '/never-kept')).toBe(true);
    } finally {
      lock.release();
    }
    await listen.waitForEvent((e) => e.event === 'error' && /could not save request/.test(String(e.message)));
    // Still serving, and nothing of the refused request is in the history.
    expect((await send(`${url}/after`, { body: 'after' })).status).toBe(201);
    const listed = (await runCli(['list', '--json', '--db', db])).stdout.toString().trim().split('\n');
    expect(listed.some((l) => l.includes('/never-kept'))).toBe(false);
    expect(listed.some((l) => l.includes('/after'))).toBe(true);
  }, 20_000);
});
