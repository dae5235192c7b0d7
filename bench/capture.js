// Issue: foundation. Listener throughput vs a bare node:http server, and RSS after 100k requests.
import { runLoad } from './load.js';
import { BIN, ROOT, jsonBody, peakRssMb, startServer, tempDir } from './procs.js';
import { join } from 'node:path';

export async function benchCapture({ durationMs = 3000, rounds = 3, rssRequests = 100_000 } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const load = (port, extra = {}) =>
    runLoad({ port, path: '/webhooks/bench', body, headers: { 'Content-Type': 'application/json' }, connections: 32, durationMs, ...extra });
  try {
    // The yardstick moves a lot between runs on a shared VM: alternate bare and hookdev, keep the best of each.
    const bare = await startServer([join(ROOT, 'bench', 'bare-server.js')], { logFile: tmp.path('bare.log') });
    const listener = await startServer([BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('capture.db')], {
      logFile: tmp.path('listen.log'),
    });
    await load(bare.port, { durationMs: 1000 }); // warm-up
    await load(listener.port, { durationMs: 1000 });
    const runs = { bare: [], listen: [] };
    for (let i = 0; i < rounds; i++) {
      runs.bare.push(await load(bare.port));
      runs.listen.push(await load(listener.port));
    }
    await bare.stop();
    await listener.stop();
    const best = (list) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
    const bareResult = best(runs.bare);
    const listenResult = best(runs.listen);

    const rssListener = await startServer([BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('rss.db')], {
      logFile: tmp.path('rss.log'),
    });
    const rssStart = peakRssMb(rssListener.child.pid);
    const rssRun = await runLoad({ port: rssListener.port, path: '/rss', body, connections: 32, requests: rssRequests });
    const rssPeak = peakRssMb(rssListener.child.pid);
    await rssListener.stop();

    return {
      bare: bareResult,
      listen: listenResult,
      runs: { bare: runs.bare.map((r) => r.rps), listen: runs.listen.map((r) => r.rps) },
      ratio: listenResult.rps / bareResult.rps,
      rss: { requests: rssRun.requests, errors: rssRun.errors, startMb: rssStart, peakMb: rssPeak },
    };
  } finally {
    tmp.cleanup();
  }
}

export function printCapture(r) {
  const f = (x) => x.toFixed(0);
  console.log('capture (2 KB JSON POST, 32 connections, every request committed before its answer; 3 alternating rounds)');
  console.log(`  bare node:http      ${f(r.bare.rps)} req/s  p50 ${r.bare.p50.toFixed(2)} ms  p99 ${r.bare.p99.toFixed(2)} ms`);
  console.log(`  hookdev listen      ${f(r.listen.rps)} req/s  p50 ${r.listen.p50.toFixed(2)} ms  p99 ${r.listen.p99.toFixed(2)} ms  errors ${r.listen.errors} non-2xx ${r.listen.non2xx}`);
  console.log(`  all runs            bare ${r.runs.bare.map(f).join(', ')}  listen ${r.runs.listen.map(f).join(', ')} req/s (best of each kept)`);
  console.log(`  ratio               ${r.ratio.toFixed(2)} of bare (goal >= 0.80)`);
  console.log(`  peak RSS            ${r.rss.peakMb?.toFixed(0)} MB after ${r.rss.requests} requests (start ${r.rss.startMb?.toFixed(0)} MB; goal < 150 MB, flat)`);
}
