// Issue 14: several relay instances on one Redis vs the single-process SQLite relay. Sender -> relay instance(s)
// -> (WebSocket) -> listen --relay --passthrough -> app, all on 127.0.0.1. With N instances the 32 sender
// connections are split across them, and the laptop's client is on the first one: every request that lands on
// another instance crosses Redis twice (wake-up + queue read, then the answer back). On a 2-core machine this
// shows what the shared store costs, not how it scales.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { BIN, cpuMs, jsonBody, startServer, tempDir } from './procs.js';
import { measureDirect } from './forward.js';
import { runLoad } from './load.js';

const RATE = '1000000/s';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(dir) {
  const port = await freePort();
  const child = spawn(
    process.env.HOOKDEV_BENCH_REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', process.env.HOOKDEV_BENCH_REDIS_FSYNC ?? 'always', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${out.slice(-300)}`)));
  });
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    pid: child.pid,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))),
  };
}

/** Load split over the instances' ports, then concurrency 1 against the last one (cross-instance when N > 1). */
async function measureSplit(ports, path, body, { durationMs, warmupMs, latencyMs }, pids) {
  const headers = { 'Content-Type': 'application/json' };
  const per = Math.ceil(32 / ports.length);
  const all = (ms) => Promise.all(ports.map((port) => runLoad({ port, path, body, headers, connections: per, durationMs: ms })));
  await all(warmupMs);
  const cpu0 = pids.map(cpuMs);
  const parts = await all(durationMs);
  const cpu1 = pids.map(cpuMs);
  const requests = parts.reduce((s, x) => s + x.requests, 0);
  const load = {
    rps: parts.reduce((s, x) => s + x.rps, 0),
    errors: parts.reduce((s, x) => s + x.errors, 0),
    non2xx: parts.reduce((s, x) => s + x.non2xx, 0),
    requests,
  };
  const cpu = cpu1.map((c, i) => (c - cpu0[i]) / 1000); // seconds
  const single = await runLoad({ port: ports.at(-1), path, body, headers, connections: 1, durationMs: latencyMs });
  return { load, single, cpu, requests };
}

async function scenario(kind, n, ctx) {
  const { tmp, token, body, opts, app } = ctx;
  const procs = [];
  let redis = null;
  try {
    const relays = [];
    if (kind === 'sqlite') {
      relays.push(await startServer([BIN, 'relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--db', tmp.path('relay.db'), '--rate-limit', RATE], { logFile: tmp.path('relay-sqlite.log') }));
    } else {
      redis = await startRedis(tmp.dir);
      for (let i = 0; i < n; i++)
        relays.push(await startServer([BIN, 'relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--store', redis.url, '--key-prefix', `bench${n}:`, '--instance-id', `r${i}`, '--rate-limit', RATE], { logFile: tmp.path(`relay-${n}-${i}.log`) }));
    }
    procs.push(...relays);
    const listener = await startServer(
      [BIN, 'listen', '--port', '0', '--json', '--db', tmp.path(`listen-${kind}-${n}.db`), '--relay', relays[0].event.connect, '--token', token,
        '--channel', `bench-${kind}-${n}`, '--forward-to', `http://127.0.0.1:${app.port}`, '--passthrough'],
      { logFile: tmp.path(`listen-${kind}-${n}.log`), match: (e) => e.event === 'listening' && e.door === 'relay' },
    );
    procs.push(listener);
    const path = `/bench-${kind}-${n}/hook`;
    const pids = [...relays.map((r) => r.child.pid), ...(redis ? [redis.pid] : [])];
    const m = await measureSplit(relays.map((r) => r.port), path, body, opts, pids);
    const relayCpu = m.cpu.slice(0, relays.length).reduce((s, x) => s + x, 0);
    const redisCpu = redis ? m.cpu.at(-1) : 0;
    return { kind, n, ...m, relayCpuUsPerReq: (relayCpu / Math.max(1, m.requests)) * 1e6, redisCpuUsPerReq: (redisCpu / Math.max(1, m.requests)) * 1e6 };
  } finally {
    for (const p of procs.reverse()) await p.stop();
    if (redis) await redis.stop();
  }
}

export async function benchRelayRedis({ durationMs = 4000, warmupMs = 1000, latencyMs = 2000, instances = [1, 2, 3] } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const opts = { durationMs, warmupMs, latencyMs };
  const token = randomBytes(24).toString('hex');
  let app = null;
  try {
    const d = await measureDirect(tmp, body, opts);
    app = d.app;
    const ctx = { tmp, token, body, opts, app };
    const rows = [await scenario('sqlite', 1, ctx)];
    for (const n of instances) rows.push(await scenario('redis', n, ctx));
    return { direct: d.direct, rows };
  } finally {
    if (app) await app.stop();
    tmp.cleanup();
  }
}

const ms = (x) => `${x.toFixed(2)} ms`;

export function printRelayRedis(r) {
  console.log('relay on Redis (2 KB JSON POST; 32 sender connections split over the instances; client on the first instance;');
  console.log('  listen --relay --passthrough -> app; Redis with appendonly yes + appendfsync always)');
  console.log('  2 cores shared by senders, relays, Redis, listen and the app: this shows the cost of the shared store, not scaling');
  console.log(`  ${'app directly'.padEnd(26)}${r.direct.load.rps.toFixed(0).padStart(7)} req/s  p50 (conc. 1) ${ms(r.direct.single.p50)}`);
  for (const x of r.rows) {
    const label = x.kind === 'sqlite' ? '1 relay, SQLite queue' : `${x.n} relay${x.n > 1 ? 's' : ''} on Redis`;
    const redisCpu = x.kind === 'redis' ? `, redis ${x.redisCpuUsPerReq.toFixed(0)} µs` : '';
    console.log(
      `  ${label.padEnd(26)}${x.load.rps.toFixed(0).padStart(7)} req/s  added p50 ${ms(x.single.p50 - r.direct.single.p50)}` +
        `  relay CPU ${x.relayCpuUsPerReq.toFixed(0)} µs/req${redisCpu}  errors ${x.load.errors + x.single.errors} non-2xx ${x.load.non2xx + x.single.non2xx}`,
    );
  }
}
