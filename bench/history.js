// Issue: foundation. `list` and `show` on a 1,000,000-row history (indexed, paged), via the real CLI.
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, tempDir } from './procs.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function benchHistory({ rows = 1_000_000 } = {}) {
  const tmp = tempDir();
  const db = tmp.path('big.db');
  try {
    const { openStore } = await import(pathToFileURL(join(ROOT, 'dist', 'store', 'index.js')).href);
    const store = openStore(db);
    const body = Buffer.from(JSON.stringify({ id: 'evt_x', type: 'charge.succeeded', pad: 'x'.repeat(200) }));
    const t0 = performance.now();
    const start = Date.now() - rows * 10;
    for (let done = 0; done < rows; ) {
      const batch = [];
      for (let i = 0; i < 10_000 && done < rows; i++, done++) {
        batch.push({
          incoming: {
            source: 'http', method: done % 10 === 0 ? 'PUT' : 'POST', url: `/hooks/${done % 100 === 0 ? 'rare' : 'common'}/${done}`,
            httpVersion: '1.1', remoteAddr: '127.0.0.1', headers: [['Content-Type', 'application/json']], body, receivedAt: start + done * 10,
          },
          verdict: null,
          responseStatus: 200,
        });
      }
      store.insertMany(batch);
    }
    const fillSeconds = (performance.now() - t0) / 1000;
    store.close();
    const time = (args) => {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const r = spawnSync(process.execPath, [BIN, ...args, '--db', db], { env: { ...process.env, NO_COLOR: '1' } });
        if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
        runs.push(performance.now() - t);
      }
      return Math.min(...runs);
    };
    const baseline = (() => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - t;
    })();
    return {
      rows,
      fillSeconds,
      baselineMs: baseline,
      timings: [
        ['list', time(['list'])],
        ['list --json --limit 1000', time(['list', '--json', '--limit', '1000'])],
        ['list --method PUT', time(['list', '--method', 'PUT'])],
        ['list --path /rare/', time(['list', '--path', '/rare/'])],
        ['list --since 1m', time(['list', '--since', '1m'])],
        ['list --before 500000', time(['list', '--before', '500000'])],
        ['show 123456 --json', time(['show', '123456', '--json'])],
        ['show last', time(['show', 'last'])],
      ],
    };
  } finally {
    tmp.cleanup();
  }
}

export function printHistory(r) {
  console.log(`history (${r.rows.toLocaleString('en')} rows; filled in ${r.fillSeconds.toFixed(1)} s; whole CLI process, best of 3)`);
  console.log(`  node -e 0                  ${r.baselineMs.toFixed(0)} ms (process start-up alone)`);
  for (const [name, ms] of r.timings) console.log(`  ${name.padEnd(26)} ${ms.toFixed(0)} ms`);
}
