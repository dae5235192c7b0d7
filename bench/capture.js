// Issue: foundation. Listener throughput vs a bare node:http server, and RSS after 100k requests.
import { runLoad } from './load.js';
import { BIN, ROOT, jsonBody, peakRssMb, startServer, tempDir } from './procs.js';
import { join } from 'node:path';

export async function benchCapture({ durationMs = 8000, rssRequests = 100_000 } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const load = (port, extra = {}) =>
    runLoad({ port, path: '/webhooks/bench', body, headers: { 'Content-Type': 'application/json' }, connections: 32, durationMs, ...extra });
  try {
    const bare = await startServer([join(ROOT, 'bench', 'bare-server.js')], { logFile: tmp.path('bare.log') });
    await load(bare.port, { durationMs: 1000 }); // warm-up
    const bareResult = await load(bare.port);
    await bare.stop();

    const listener = await startServer([BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('capture.db')], {
      logFile: tmp.path('listen.log'),
    });
    await load(listener.port, { durationMs: 1000 });
    const listenResult = await load(listener.port);
    await listener.stop();

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
      ratio: listenResult.rps / bareResult.rps,
      rss: { requests: rssRun.requests, errors: rssRun.errors, startMb: rssStart, peakMb: rssPeak },
    };
  } finally {
    tmp.cleanup();
  }
}

export function printCapture(r) {
  const f = (x) => x.toFixed(0);
  console.log('capture (2 KB JSON POST, 32 connections, every request committed before its answer)');
  console.log(`  bare node:http      ${f(r.bare.rps)} req/s  p50 ${r.bare.p50.toFixed(2)} ms  p99 ${r.bare.p99.toFixed(2)} ms`);
  console.log(`  hookdev listen      ${f(r.listen.rps)} req/s  p50 ${r.listen.p50.toFixed(2)} ms  p99 ${r.listen.p99.toFixed(2)} ms  errors ${r.listen.errors} non-2xx ${r.listen.non2xx}`);
  console.log(`  ratio               ${r.ratio.toFixed(2)} of bare (goal >= 0.80)`);
  console.log(`  peak RSS            ${r.rss.peakMb?.toFixed(0)} MB after ${r.rss.requests} requests (start ${r.rss.startMb?.toFixed(0)} MB; goal < 150 MB, flat)`);
}
