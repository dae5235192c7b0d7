import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send, waitFor } from '../helpers/http.js';

describe('SIGKILL under load', () => {
  it('keeps every request that was acknowledged with a 2xx', async () => {
    const tmp = makeTempDir();
    const db = tmp.path('crash.db');
    const listen = startCli(['listen', '--port', '0', '--db', db]);
    const { url } = (await listen.waitForEvent((e) => e.event === 'listening')) as { url: string };
    const acked = new Set<string>();
    let enoughAcked!: () => void;
    const enough = new Promise<void>((r) => (enoughAcked = r));
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const tag = `${w}-${i}`;
        try {
          const res = await send(`${url}/load?tag=${tag}`, { body: JSON.stringify({ tag, pad: 'x'.repeat(1500) }) });
          if (res.status >= 200 && res.status < 300) acked.add(tag);
          if (acked.size >= 600) enoughAcked();
        } catch {
          return; // the listener is gone
        }
      }
    };
    const workers = Array.from({ length: 24 }, (_, w) => worker(w));
    // Kill in the middle of the stream, not at a quiet moment.
    await enough;
    listen.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await listen.stop();

    const reader = new Database(db);
    const rows = reader.prepare(`SELECT url FROM requests`).all() as Array<{ url: string }>;
    reader.close();
    const stored = new Set(rows.map((r) => new URL(r.url, 'http://x').searchParams.get('tag')));
    const lost = [...acked].filter((t) => !stored.has(t));
    expect(acked.size).toBeGreaterThanOrEqual(600);
    expect(lost).toEqual([]);
    tmp.cleanup();
  });
});

describe('graceful stop', () => {
  it('SIGTERM finishes in-flight requests, keeps them, and exits 0', async () => {
    const tmp = makeTempDir();
    const db = tmp.path('stop.db');
    const listen = startCli(['listen', '--port', '0', '--db', db, '--response-delay', '400ms']);
    const { url } = (await listen.waitForEvent((e) => e.event === 'listening')) as { url: string };
    const inFlight = Promise.all([1, 2, 3].map((i) => send(`${url}/in-flight/${i}`, { body: `body ${i}` })));
    // Stop while the three are waiting for their (delayed) answers: once all three are committed.
    const watcher = new Database(db, { readonly: true });
    await waitFor(() => (watcher.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n === 3);
    watcher.close();
    const code = listen.stop('SIGTERM');
    const answers = await inFlight;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await code).toBe(0);
    const reader = new Database(db, { readonly: true });
    expect((reader.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n).toBe(3);
    reader.close();
    tmp.cleanup();
  });
});
