// Issue 12: events/s that `hookdev send --count 10000 --concurrency 32` sustains against the bare server, as a
// ratio of the bench's own load generator against the same server in the same run (goal >= 0.5). The load
// generator measures before and after send, and send is compared with the mean, since the machine drifts.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load.js';
import { BIN, ROOT, cpuMs, startServer, tempDir } from './procs.js';

const BARE = join(ROOT, 'bench', 'bare-server.js');

/**
 * CPU (user + system, ms) a child has used, read from /proc every 10 ms until it exits: the last reading misses at
 * most 10 ms of a run of seconds. The whole process is counted, start-up included.
 */
function trackCpu(child) {
  let last = 0;
  const timer = setInterval(() => {
    const ms = cpuMs(child.pid);
    if (ms !== null) last = ms;
  }, 10);
  child.on('exit', () => clearInterval(timer));
  return () => last;
}

/** One `hookdev send` run (as a user runs it, no per-event output); resolves with its summary, wall time and CPU. */
function runSend(port, db, count, concurrency) {
  const args = [BIN, 'send', '--provider', 'stripe', '--secret', 'whsec_bench_secret', '--to', `http://127.0.0.1:${port}/webhooks`,
    '--count', String(count), '--concurrency', String(concurrency), '--db', db];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const cpu = trackCpu(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      // "sent 10000 events: 10000 2xx, 0 retried, 0 failed; 10000 attempts; latency p50 3ms p99 36ms; 6024 events/s"
      const m = /sent (\d+) events?.*?: (\d+) 2xx.*latency p50 (\S+) p99 (\S+); (\d+) events\/s/.exec(out);
      if (!m) return reject(new Error(`send failed (exit ${code}): ${err || out}`));
      resolve({ code, wallMs, cpuMs: cpu(), summary: { sent: Number(m[1]), ok: Number(m[2]), p50: m[3], p99: m[4], eventsPerSecond: Number(m[5]) } });
    });
  });
}

/** The reference sender (bench/reference/sender-undici.js) against the same server. */
function runReference(port, count, concurrency, bodyFile) {
  const script = join(ROOT, 'bench', 'reference', 'sender-undici.js');
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [script, String(port), String(count), String(concurrency), bodyFile], (err, stdout) => {
      if (err) return reject(err);
      resolve({ ...JSON.parse(stdout), cpuMs: cpu() });
    });
    const cpu = trackCpu(child);
  });
}

/** The load generator's run, with the server's CPU per request over it (µs). */
async function loadWithServerCpu(opts, serverPid) {
  const cpu0 = cpuMs(serverPid);
  const r = await runLoad(opts);
  return { ...r, serverCpuUs: ((cpuMs(serverPid) - cpu0) * 1000) / r.requests };
}

export async function benchSend({ count = 10_000, concurrency = 32 } = {}) {
  const tmp = tempDir();
  const server = await startServer([BARE], { logFile: tmp.path('bare.log') });
  // The same shape of request send makes: a ~1 KB Stripe event with its signature header.
  const body = Buffer.from(JSON.stringify({ id: 'evt_bench_0000000000000000', object: 'event', api_version: '2024-06-20', created: 1700000000,
    data: { object: { id: 'pi_bench', object: 'payment_intent', amount: 2000, currency: 'usd', pad: 'x'.repeat(700) } }, type: 'payment_intent.succeeded' }, null, 2));
  const base = {
    port: server.port,
    path: '/webhooks',
    body,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'Stripe-Signature': `t=1700000000,v1=${'a'.repeat(64)}` },
    connections: concurrency,
  };
  try {
    await runLoad({ ...base, durationMs: 1000 }); // warm-up
    const before = await loadWithServerCpu({ ...base, requests: count }, server.child.pid);
    const serverCpu0 = cpuMs(server.child.pid);
    const sent = await runSend(server.port, tmp.path('send.db'), count, concurrency);
    sent.serverCpuUs = ((cpuMs(server.child.pid) - serverCpu0) * 1000) / count;
    const after = await loadWithServerCpu({ ...base, requests: count }, server.child.pid);
    writeFileSync(tmp.path('body.json'), body);
    const reference = await runReference(server.port, count, concurrency, tmp.path('body.json'));
    return { count, concurrency, before, after, sent, reference };
  } finally {
    await server.stop();
    tmp.cleanup();
  }
}

export function printSend(r) {
  const load = (r.before.rps + r.after.rps) / 2;
  const s = r.sent.summary;
  const sendRate = s.eventsPerSecond;
  const wallRate = r.count / (r.sent.wallMs / 1000);
  console.log(`send (${r.count} Stripe events, concurrency ${r.concurrency}, against bench/bare-server.js; each signed, stored with its delivery)`);
  console.log(`  load generator      ${r.before.rps.toFixed(0).padStart(6)} req/s before, ${r.after.rps.toFixed(0)} after (p50 ${r.before.p50.toFixed(2)} ms)`);
  console.log(`  hookdev send        ${String(sendRate).padStart(6)} events/s while sending (${s.ok}/${s.sent} 2xx, p50 ${s.p50}, p99 ${s.p99}); ${wallRate.toFixed(0)}/s over the whole process`);
  console.log(`  ratio               ${(sendRate / load).toFixed(2)} of the load generator (goal >= 0.5); whole process ${(wallRate / load).toFixed(2)}`);
  console.log(`  ceiling             bench/reference/sender-undici.js (undici, one fixed body, nothing else): ${r.reference.rps.toFixed(0)} req/s = ${(r.reference.rps / load).toFixed(2)} of the load generator; send is ${(sendRate / r.reference.rps).toFixed(2)} of it`);
  // What the goal asks of the CPU: at half the load generator's rate the server takes its share of the cores,
  // and send must fit its whole per-event work (one JavaScript thread) in what is left.
  const cores = availableParallelism();
  const goalRate = load / 2;
  const serverUs = (r.before.serverCpuUs + r.after.serverCpuUs) / 2;
  const budgetUs = (cores * 1e6) / goalRate - serverUs;
  const threadUs = 1e6 / goalRate;
  const sendUs = (r.sent.cpuMs * 1000) / r.count;
  const refUs = (r.reference.cpuMs * 1000) / r.count;
  console.log(`  CPU per event       send ${sendUs.toFixed(0)} µs (whole process, start-up included); reference ${refUs.toFixed(0)} µs; the server ${serverUs.toFixed(0)} µs a request`);
  console.log(`  what 0.5 needs      ${goalRate.toFixed(0)} events/s: at most ${Math.min(budgetUs, threadUs).toFixed(0)} µs of CPU per event (${cores} cores less the server's share: ${budgetUs.toFixed(0)} µs; one thread: ${threadUs.toFixed(0)} µs)`);
}
