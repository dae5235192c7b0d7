// The young-generation collector's promotion rate under steady load, for the tunnel (relay and client) and the
// forward path, next to the references. A process that keeps requests alive past a young collection promotes them,
// and the old generation then needs a full collection every fraction of a second: that was 6-8 µs a request on the
// tunnel client. A full GC is forced (through a preload) 2.5 s into the warm-up so that a structure which keeps
// promoting once anything is old (a Map churned at request rate, see src/core/id-map.ts) shows in every run, not
// only in the runs where a full GC happened to come.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './load.js';
import { BIN, ROOT, jsonBody, startServer, tempDir } from './procs.js';

const REF = join(ROOT, 'bench', 'reference');
const WARM_MS = 5000;
const MEASURE_MS = 4000;

function gcFlags(dir) {
  const preload = join(dir, 'force-gc.cjs');
  writeFileSync(preload, "setTimeout(() => globalThis.gc(), 2500).unref();\n");
  return ['--expose-gc', '--trace-gc-nvp', '--require', preload];
}

/** GC lines (`gc=s …`, `gc=mc …`) written to a process's log so far. */
function gcLines(logFile) {
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(' gc='));
}

function summarize(lines, requests) {
  let scavenges = 0;
  let promoted = 0;
  let marks = 0;
  let pauseMs = 0;
  for (const l of lines) {
    const kind = /\bgc=(\w+)/.exec(l)?.[1];
    pauseMs += Number(/\bpause=([0-9.]+)/.exec(l)?.[1] ?? 0);
    if (kind === 's') {
      scavenges++;
      promoted += Number(/\bpromoted=(\d+)/.exec(l)?.[1] ?? 0);
    } else marks++;
  }
  return {
    promotedKbPerScavenge: scavenges ? promoted / scavenges / 1024 : 0,
    promotedBytesPerRequest: requests ? promoted / requests : 0,
    fullGcsPer10k: requests ? (marks * 10_000) / requests : 0,
    pauseUsPerRequest: requests ? (pauseMs * 1000) / requests : 0,
  };
}

/** Load for WARM_MS, then measure MEASURE_MS; the GC lines of each process written meanwhile are summarized. */
async function measure(port, path, logs) {
  const opts = { port, connections: 32, method: 'POST', path, headers: { 'content-type': 'application/json' }, body: jsonBody(2048) };
  await runLoad({ ...opts, durationMs: WARM_MS });
  const before = Object.fromEntries(Object.entries(logs).map(([k, f]) => [k, gcLines(f).length]));
  const r = await runLoad({ ...opts, durationMs: MEASURE_MS });
  const out = { rps: r.rps };
  for (const [k, f] of Object.entries(logs)) out[k] = summarize(gcLines(f).slice(before[k]), r.requests);
  return out;
}

async function tunnel(reference) {
  const tmp = tempDir();
  const flags = gcFlags(tmp.dir);
  const token = 'x'.repeat(48);
  const app = await startServer([join(ROOT, 'bench', 'app-server.js')], { logFile: tmp.path('app.log') });
  const logs = { relay: tmp.path('relay.log'), client: tmp.path('client.log') };
  let relay;
  let client;
  try {
    if (reference) {
      relay = await startServer([...flags, join(REF, 'relay-minimal.js')], { logFile: logs.relay });
      client = await startServer([...flags, join(REF, 'relay-minimal-client-commit.js'), String(relay.port), `http://127.0.0.1:${app.port}`, tmp.path('rc.db')], { logFile: logs.client });
      return await measure(relay.port, '/hook', logs);
    }
    relay = await startServer([...flags, BIN, 'relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--db', tmp.path('relay.db'), '--rate-limit', '1000000/s'], { logFile: logs.relay });
    client = await startServer(
      [...flags, BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('listen.db'), '--relay', relay.event.url, '--token', token, '--channel', 'gc-chan', '--forward-to', `http://127.0.0.1:${app.port}`, '--passthrough'],
      { logFile: logs.client, match: (e) => e.event === 'listening' && e.door === 'relay' },
    );
    const u = new URL(client.event.url);
    return await measure(Number(u.port), `${u.pathname.replace(/\/$/, '')}/hook`, logs);
  } finally {
    await client?.stop();
    await relay?.stop();
    await app.stop();
    tmp.cleanup();
  }
}

async function forward(reference) {
  const tmp = tempDir();
  const flags = gcFlags(tmp.dir);
  const app = await startServer([join(ROOT, 'bench', 'app-server.js')], { logFile: tmp.path('app.log') });
  const logs = { listener: tmp.path('l.log') };
  let l;
  try {
    const args = reference
      ? [...flags, join(REF, 'proxy-undici-commit.js'), `http://127.0.0.1:${app.port}`, tmp.path('l.db'), 'passthrough']
      : [...flags, BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('l.db'), '--forward-to', `http://127.0.0.1:${app.port}`, '--passthrough'];
    l = await startServer(args, { logFile: logs.listener });
    return await measure(l.port, '/hook', logs);
  } finally {
    await l?.stop();
    await app.stop();
    tmp.cleanup();
  }
}

export async function benchGc() {
  return {
    tunnel: await tunnel(false),
    tunnelRef: await tunnel(true),
    forward: await forward(false),
    forwardRef: await forward(true),
  };
}

function line(label, g) {
  return `${label.padEnd(30)} ${g.promotedKbPerScavenge.toFixed(0).padStart(5)} KB promoted per young GC (${g.promotedBytesPerRequest.toFixed(0)} B a request), ${g.fullGcsPer10k.toFixed(1)} full GCs per 10k requests, GC pause ${g.pauseUsPerRequest.toFixed(1)} µs a request`;
}

export function printGc(r) {
  console.log(`gc (2 KB JSON POST, 32 connections, ${WARM_MS / 1000} s warm-up with a full GC forced at 2.5 s, then ${MEASURE_MS / 1000} s measured; --trace-gc-nvp)`);
  console.log(`  relay tunnel, passthrough (hookdev ${r.tunnel.rps.toFixed(0)} req/s, reference (b) ${r.tunnelRef.rps.toFixed(0)} req/s)`);
  console.log(`    ${line('hookdev relay', r.tunnel.relay)}`);
  console.log(`    ${line('hookdev listen --relay', r.tunnel.client)}`);
  console.log(`    ${line('reference (b) relay', r.tunnelRef.relay)}`);
  console.log(`    ${line('reference (b) client', r.tunnelRef.client)}`);
  console.log(`  listen --forward-to --passthrough (hookdev ${r.forward.rps.toFixed(0)} req/s, reference (a) ${r.forwardRef.rps.toFixed(0)} req/s)`);
  console.log(`    ${line('hookdev listen', r.forward.listener)}`);
  console.log(`    ${line('reference (a)', r.forwardRef.listener)}`);
}
