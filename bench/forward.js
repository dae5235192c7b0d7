// Issue: forward. Throughput and added latency of `hookdev listen --forward-to` vs hitting the app directly,
// in the default mode (sender answered after commit, delivery in the background) and with --passthrough
// (sender waits for the app's answer).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runLoad } from './load.js';
import { BIN, ROOT, cpuMs, jsonBody, startServer, tempDir } from './procs.js';

const require = createRequire(import.meta.url);

export const APP = join(ROOT, 'bench', 'app-server.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Warm-up, then `connections`-wide throughput, then concurrency-1 latency, against one port/path. */
export async function measure(port, path, body, { durationMs, warmupMs, latencyMs, headers = {}, cpuPids = {} }) {
  const base = { port, path, body, headers: { 'Content-Type': 'application/json', ...headers } };
  await runLoad({ ...base, connections: 32, durationMs: warmupMs });
  const cpu0 = Object.fromEntries(Object.entries(cpuPids).map(([k, pid]) => [k, cpuMs(pid)]));
  const t0 = performance.now();
  const load = await runLoad({ ...base, connections: 32, durationMs });
  const loadEnded = performance.now();
  // CPU per request (µs) of each named process over the 32-connection run.
  load.cpuUs = Object.fromEntries(Object.entries(cpuPids).map(([k, pid]) => [k, ((cpuMs(pid) - cpu0[k]) * 1000) / load.requests]));
  const single = await runLoad({ ...base, connections: 1, durationMs: latencyMs });
  return { load, single, t0, loadEnded };
}

/** Start the stand-in app and measure it directly. */
export async function measureDirect(tmp, body, opts) {
  const app = await startServer([APP], { logFile: tmp.path('app.log') });
  try {
    return { app, direct: await measure(app.port, '/webhooks/bench', body, opts) };
  } catch (err) {
    await app.stop();
    throw err;
  }
}

/** Counts of captured requests and forward deliveries in a listener's history (read-only, WAL). */
function historyCounter(dbPath) {
  const Database = require('better-sqlite3');
  let db = null;
  return {
    counts() {
      db ??= new Database(dbPath, { readonly: true, fileMustExist: true });
      const r = db.prepare('SELECT count(*) AS n FROM requests').get();
      const d = db
        .prepare(`SELECT count(*) AS n, coalesce(sum(status BETWEEN 200 AND 299), 0) AS ok FROM deliveries WHERE kind = 'forward'`)
        .get();
      return { requests: r.n, deliveries: d.n, ok: d.ok };
    },
    close() {
      db?.close();
      db = null;
    },
  };
}

/** Poll until every captured request has a delivery row (or the deadline passes). */
async function waitForDeliveries(counter, deadlineMs) {
  const end = performance.now() + deadlineMs;
  for (;;) {
    const c = counter.counts();
    if (c.deliveries >= c.requests) return { ...c, at: performance.now(), complete: true };
    if (performance.now() > end) return { ...c, at: performance.now(), complete: false };
    await sleep(20);
  }
}

export const REF_A = join(ROOT, 'bench', 'reference', 'proxy-undici-commit.js');

/** Default forwarding mode: answered throughput under load, then deliveries counted from the history until caught up. */
async function measureDefaultMode(tmp, args, db, body, { durationMs, warmupMs, latencyMs }, name) {
  const listener = await startServer(args, { logFile: tmp.path(`${name}.log`) });
  const counter = historyCounter(db);
  try {
    const base = { port: listener.port, path: '/webhooks/bench', body, headers: { 'Content-Type': 'application/json' } };
    await runLoad({ ...base, connections: 32, durationMs: warmupMs });
    const before = await waitForDeliveries(counter, 30_000); // let the warm-up's backlog drain first
    const t0 = performance.now();
    const load = await runLoad({ ...base, connections: 32, durationMs });
    const loadEnded = performance.now();
    const afterLoad = counter.counts();
    const caught = await waitForDeliveries(counter, 30_000);
    const delivered = caught.deliveries - before.deliveries;
    const single = await runLoad({ ...base, connections: 1, durationMs: latencyMs });
    return {
      load,
      single,
      captured: caught.requests - before.requests,
      delivered,
      deliveredOk: caught.ok - before.ok,
      backlogAtLoadEnd: afterLoad.requests - afterLoad.deliveries,
      lagMs: caught.at - loadEnded,
      complete: caught.complete,
      deliveredPerSec: delivered / ((caught.at - t0) / 1000),
    };
  } finally {
    counter.close();
    await listener.stop();
  }
}

export async function benchForward({ durationMs = 5000, warmupMs = 1000, latencyMs = 3000 } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const opts = { durationMs, warmupMs, latencyMs };
  let app = null;
  const out = {};
  try {
    const d = await measureDirect(tmp, body, opts);
    app = d.app;
    out.direct = d.direct;
    const target = `http://127.0.0.1:${app.port}`;

    // Default mode: measured with the deliveries counted from the history.
    out.background = await measureDefaultMode(tmp, [BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('forward-default.db'), '--forward-to', target], tmp.path('forward-default.db'), body, opts, 'forward-default');
    // Reference (a), default mode: answer after the request's commit, forward after, delivery row group-committed.
    out.refDefault = await measureDefaultMode(tmp, [REF_A, target, tmp.path('ref-default.db'), 'default'], tmp.path('ref-default.db'), body, opts, 'ref-default');

    // Passthrough: the sender's answer is the app's answer.
    {
      const db = tmp.path('forward-pass.db');
      const listener = await startServer(
        [BIN, 'listen', '--port', '0', '--json', '--db', db, '--forward-to', target, '--passthrough'],
        { logFile: tmp.path('forward-pass.log') },
      );
      try {
        out.passthrough = await measure(listener.port, '/webhooks/bench', body, opts);
      } finally {
        await listener.stop();
      }
      const counter = historyCounter(db);
      try {
        out.passthrough.history = counter.counts();
      } finally {
        counter.close();
      }
    }
    // Reference (a), passthrough: request committed, forwarded, the app's answer passed back.
    {
      const ref = await startServer([REF_A, target, tmp.path('ref-pass.db'), 'passthrough'], { logFile: tmp.path('ref-pass.log') });
      try {
        out.refPassthrough = await measure(ref.port, '/webhooks/bench', body, opts);
      } finally {
        await ref.stop();
      }
    }
    return out;
  } finally {
    await app?.stop();
    tmp.cleanup();
  }
}

const ms = (x) => `${x.toFixed(2)} ms`;

export function printForward(r) {
  const d = r.direct;
  const bg = r.background;
  const pt = r.passthrough;
  const row = (label, x) =>
    `  ${label.padEnd(34)}${x.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(x.p50)}  p99 ${ms(x.p99)}  errors ${x.errors} non-2xx ${x.non2xx}`;
  console.log('forward (2 KB JSON POST, 32 connections; app = bench/app-server.js, node:http answering 200)');
  console.log(row('app directly', d.load));
  console.log(row('listen --forward-to (default)', bg.load) + '   <- sender answered after commit, forward not awaited');
  console.log(
    `  ${''.padEnd(34)}delivered ${bg.delivered}/${bg.captured} captured (${bg.deliveredOk} 2xx from the app)${bg.complete ? '' : ' INCOMPLETE after 30 s'}, ` +
      `backlog at load end ${bg.backlogAtLoadEnd}, caught up ${(bg.lagMs / 1000).toFixed(2)} s later`,
  );
  console.log(`  ${'  delivered to the app'.padEnd(34)}${bg.deliveredPerSec.toFixed(0).padStart(6)} deliveries/s (load start -> last delivery row)`);
  console.log(row('listen --forward-to --passthrough', pt.load) + '   <- sender waits for the app');
  console.log(
    `  ${''.padEnd(34)}history: ${pt.history.requests} requests, ${pt.history.deliveries} deliveries (${pt.history.ok} 2xx)`,
  );
  console.log(
    `  ratio               passthrough ${(pt.load.rps / d.load.rps).toFixed(2)}, default-mode delivered ${(bg.deliveredPerSec / d.load.rps).toFixed(2)}` +
      ` (answered ${(bg.load.rps / d.load.rps).toFixed(2)}) of direct`,
  );
  const ra = r.refPassthrough;
  const rd = r.refDefault;
  console.log(row('reference (a), passthrough', ra.load) + '   <- bench/reference/proxy-undici-commit.js');
  console.log(row('reference (a), default mode', rd.load) + `   delivered ${rd.deliveredPerSec.toFixed(0)}/s`);
  console.log(
    `  vs reference (a)    passthrough ${(pt.load.rps / ra.load.rps).toFixed(2)} (goal >= 0.8), ` +
      `default-mode delivered/s ${(bg.deliveredPerSec / rd.deliveredPerSec).toFixed(2)} (goal >= 0.8)`,
  );
  console.log('  concurrency 1       p50 / p99');
  console.log(`    app directly      ${ms(d.single.p50)} / ${ms(d.single.p99)}`);
  console.log(`    reference (a)     ${ms(ra.single.p50)} / ${ms(ra.single.p99)}   added p50 ${ms(ra.single.p50 - d.single.p50)}`);
  console.log(`    --passthrough     ${ms(pt.single.p50)} / ${ms(pt.single.p99)}   added p50 ${ms(pt.single.p50 - d.single.p50)} (goal <= 0.3 ms)`);
  console.log(`    default mode      ${ms(bg.single.p50)} / ${ms(bg.single.p99)}   added p50 ${ms(bg.single.p50 - d.single.p50)} (capture only; the forward is not on the sender's path)`);
}
