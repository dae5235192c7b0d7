// Issue: relay. Sender -> hookdev relay -> (WebSocket) -> hookdev listen --relay --passthrough -> app, vs the app
// directly, all on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, countRequestEvents, cpuMs, jsonBody, startServer, tempDir } from './procs.js';
import { APP, bestOf, measure } from './forward.js';
import { runLoad } from './load.js';
import { measureArrivals } from './arrival.js';

const REF = join(ROOT, 'bench', 'reference');

const RATE = '1000000/s';

/** Status/outcome counts from the relay's per-request NDJSON lines. */
const relayOutcomes = (logFile) => countRequestEvents(logFile, (e) => `${e.status} ${e.outcome ?? ''}`.trim());

/** Non-request events (warnings, errors, state changes) from an NDJSON log, first few of each kind. */
function otherEvents(logFile, skip) {
  const seen = {};
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line);
      if (skip.includes(e.event)) continue;
      const k = `${e.event}:${e.state ?? ''}`;
      seen[k] = (seen[k] ?? 0) + 1;
      if (seen[k] <= 1) out.push({ k, line: line.length > 240 ? line.slice(0, 240) + '…' : line });
    } catch {}
  }
  return out.map(({ k, line }) => (seen[k] > 1 ? `${line}  (x${seen[k]})` : line));
}

/**
 * The first seconds of load after start, at 32 connections: V8 is still compiling the request path (its background
 * threads spent about as much CPU per request as the main thread in the first 2 s, and the main thread ran 1.5-2x
 * its later cost). A relay runs for days, so the figures that count are measured after this; its CPU per request
 * is printed as the cold figure. Both relays get the same.
 */
async function coldLoad(port, path, body, cpuPids, durationMs) {
  const cpu0 = Object.fromEntries(Object.entries(cpuPids).map(([k, pid]) => [k, cpuMs(pid)]));
  const load = await runLoad({ port, path, body, headers: { 'Content-Type': 'application/json' }, connections: 32, durationMs });
  return { rps: load.rps, cpuUs: Object.fromEntries(Object.entries(cpuPids).map(([k, pid]) => [k, ((cpuMs(pid) - cpu0[k]) * 1000) / load.requests])) };
}

/**
 * Each relay with a client that answers at once (no history, no app): the relay's own CPU per request, apart from
 * how fast its client is. Run 1 then 32 connections, after the same warm-up as above.
 */
async function relayAlone(relayPort, path, relayPid, clientPid, { durationMs, latencyMs, coldMs }) {
  const base = { port: relayPort, path, body: jsonBody(2048), headers: { 'Content-Type': 'application/json' } };
  await runLoad({ ...base, connections: 32, durationMs: coldMs });
  const at = async (connections, ms) => {
    const r0 = cpuMs(relayPid);
    const c0 = cpuMs(clientPid);
    const l = await runLoad({ ...base, connections, durationMs: ms });
    return { ...l, relayUs: ((cpuMs(relayPid) - r0) * 1000) / l.requests, clientUs: ((cpuMs(clientPid) - c0) * 1000) / l.requests };
  };
  return { load: await at(32, durationMs), single: await at(1, latencyMs) };
}

export async function benchRelay({ durationMs = 5000, warmupMs = 1000, latencyMs = 3000, coldMs = 6000, rounds = 3 } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const opts = { durationMs, warmupMs, latencyMs };
  const token = randomBytes(24).toString('hex'); // 48 chars
  let app = null;
  let relay = null;
  let listener = null;
  let ref = null;
  let refClient = null;
  try {
    app = await startServer([APP], { logFile: tmp.path('app.log') });
    relay = await startServer(
      [BIN, 'relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--db', tmp.path('relay.db'), '--rate-limit', RATE],
      { logFile: tmp.path('relay.log') },
    );
    listener = await startServer(
      [BIN, 'listen', '--port', '0', '--json', '--db', tmp.path('listen.db'), '--relay', relay.event.url, '--token', token,
        '--channel', 'bench-chan', '--forward-to', `http://127.0.0.1:${app.port}`, '--passthrough'],
      { logFile: tmp.path('listen.log'), match: (e) => e.event === 'listening' && e.door === 'relay' },
    );
    const publicUrl = new URL(listener.event.url);
    const path = `${publicUrl.pathname.replace(/\/$/, '')}/hook`;
    const pids = { relay: relay.child.pid, client: listener.child.pid };
    // Reference (b): the minimal relay, its client committing each request before forwarding and answering.
    ref = await startServer([join(REF, 'relay-minimal.js')], { logFile: tmp.path('ref-relay.log') });
    refClient = await startServer([join(REF, 'relay-minimal-client-commit.js'), String(ref.port), `http://127.0.0.1:${app.port}`, tmp.path('ref-client.db')], { logFile: tmp.path('ref-client.log') });
    const refPids = { relay: ref.child.pid, client: refClient.child.pid };
    const cold = await coldLoad(Number(publicUrl.port), path, body, pids, coldMs);
    const refCold = await coldLoad(ref.port, '/hook', body, refPids, coldMs);
    // The yardstick moves a lot between runs on a shared VM: direct, hookdev and reference (b) take turns, round by
    // round, all warm and running throughout; the best round of each is kept (as in the capture section).
    const runs = { direct: [], relay: [], reference: [] };
    for (let i = 0; i < rounds; i++) {
      runs.direct.push(await measure(app.port, '/webhooks/bench', body, opts));
      runs.relay.push(await measure(Number(publicUrl.port), path, body, { ...opts, cpuPids: pids }));
      runs.reference.push(await measure(ref.port, '/hook', body, { ...opts, cpuPids: refPids }));
    }
    const d = { direct: bestOf(runs.direct) };
    const viaRelay = bestOf(runs.relay);
    const reference = bestOf(runs.reference);
    const cpuPerRequestUs = viaRelay.load.cpuUs;
    const arrivalsDirect = await measureArrivals({ port: app.port, path: '/webhooks/bench', appPort: app.port, body });
    const arrivalsRelay = await measureArrivals({ port: Number(publicUrl.port), path, appPort: app.port, body });
    const arrivalsReference = await measureArrivals({ port: ref.port, path: '/hook', appPort: app.port, body });
    await refClient.stop();
    refClient = null;
    await ref.stop();
    ref = null;
    await listener.stop();
    listener = null;
    await relay.stop();
    relay = null;
    // The relays alone (their clients answer at once).
    const aloneOpts = { durationMs, latencyMs, coldMs };
    const r2 = await startServer(
      [BIN, 'relay', '--port', '0', '--host', '127.0.0.1', '--token', token, '--db', tmp.path('relay-alone.db'), '--rate-limit', RATE],
      { logFile: tmp.path('relay-alone.log') },
    );
    let alone;
    try {
      const c2 = await startServer([join(ROOT, 'bench', 'relay-null-client.js'), String(r2.port), token, 'null-chan'], { logFile: tmp.path('null-client.log') });
      try {
        alone = { hookdev: await relayAlone(r2.port, '/null-chan/hook', r2.child.pid, c2.child.pid, aloneOpts) };
      } finally {
        await c2.stop();
      }
    } finally {
      await r2.stop();
    }
    const ref2 = await startServer([join(REF, 'relay-minimal.js')], { logFile: tmp.path('ref-alone.log') });
    try {
      const c2 = await startServer([join(REF, 'relay-minimal-null-client.js'), String(ref2.port)], { logFile: tmp.path('ref-null-client.log') });
      try {
        alone.reference = await relayAlone(ref2.port, '/hook', ref2.child.pid, c2.child.pid, aloneOpts);
      } finally {
        await c2.stop();
      }
    } finally {
      await ref2.stop();
    }
    return {
      alone,
      runs,
      direct: d.direct,
      relay: viaRelay,
      reference,
      cpuPerRequestUs,
      cold: { relay: cold, reference: refCold, ms: coldMs },
      arrivals: { direct: arrivalsDirect, relay: arrivalsRelay, reference: arrivalsReference },
      publicUrl: publicUrl.href,
      rate: RATE,
      outcomes: relayOutcomes(tmp.path('relay.log')),
      relayEvents: otherEvents(tmp.path('relay.log'), ['request', 'listening']),
      listenEvents: otherEvents(tmp.path('listen.log'), ['request', 'delivery', 'listening']),
    };
  } finally {
    if (refClient) await refClient.stop();
    if (ref) await ref.stop();
    if (listener) await listener.stop();
    if (relay) await relay.stop();
    if (app) await app.stop();
    tmp.cleanup();
  }
}

const ms = (x) => `${x.toFixed(2)} ms`;

export function printRelay(r) {
  const row = (label, x) =>
    `  ${label.padEnd(30)}${x.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(x.p50)}  p99 ${ms(x.p99)}  errors ${x.errors} non-2xx ${x.non2xx}`;
  console.log(`relay (2 KB JSON POST, 32 connections, each relay warmed by ${(r.cold.ms / 1000).toFixed(0)} s of load first; sender -> relay -> listen --relay --passthrough -> app; relay --rate-limit raised to ${r.rate} for the benchmark)`);
  console.log(`  ${r.runs.relay.length} alternating rounds of direct, hookdev and reference (b); best round of each kept, concurrency 1 the median round`);
  console.log(row('app directly', r.direct.load));
  console.log(row(`via relay ${new URL(r.publicUrl).pathname}/hook`, r.relay.load));
  console.log(row('reference (b)', r.reference.load) + '   <- relay-minimal.js + relay-minimal-client-commit.js');
  const f = (x) => x.load.rps.toFixed(0);
  console.log(`  all runs            direct ${r.runs.direct.map(f).join(', ')}  relay ${r.runs.relay.map(f).join(', ')}  reference (b) ${r.runs.reference.map(f).join(', ')} req/s`);
  const cpus = (rs, k) => rs.map((x) => x.load.cpuUs[k].toFixed(0)).join(', ');
  console.log(`                      CPU µs a request: relay ${cpus(r.runs.relay, 'relay')} (client ${cpus(r.runs.relay, 'client')}); reference (b) relay ${cpus(r.runs.reference, 'relay')} (client ${cpus(r.runs.reference, 'client')})`);
  console.log(
    `  ratio               ${(r.relay.load.rps / r.direct.load.rps).toFixed(2)} of direct (goal >= 0.2), ` +
      `${(r.relay.load.rps / r.reference.load.rps).toFixed(2)} of reference (b) (goal >= 0.8)`,
  );
  console.log(
    `  CPU per request     relay ${r.cpuPerRequestUs.relay.toFixed(0)} µs (goal <= 60), client (listen --relay) ${r.cpuPerRequestUs.client.toFixed(0)} µs (the best round)`,
  );
  console.log(
    `    reference (b)     relay ${r.reference.load.cpuUs.relay.toFixed(0)} µs, client ${r.reference.load.cpuUs.client.toFixed(0)} µs`,
  );
  const c = r.cold;
  console.log(
    `    cold (first ${(c.ms / 1000).toFixed(0)} s of load after start, not in the figures above): relay ${c.relay.cpuUs.relay.toFixed(0)} µs, client ${c.relay.cpuUs.client.toFixed(0)} µs, ${c.relay.rps.toFixed(0)} req/s; ` +
      `reference (b) relay ${c.reference.cpuUs.relay.toFixed(0)} µs, client ${c.reference.cpuUs.client.toFixed(0)} µs, ${c.reference.rps.toFixed(0)} req/s`,
  );
  console.log('  concurrency 1       p50 / p99');
  console.log(`    app directly      ${ms(r.direct.single.p50)} / ${ms(r.direct.single.p99)}`);
  console.log(
    `    via relay         ${ms(r.relay.single.p50)} / ${ms(r.relay.single.p99)}   added p50 ${ms(r.relay.single.p50 - r.direct.single.p50)} (goal <= 0.5 ms), ` +
      `added p99 ${ms(r.relay.single.p99 - r.direct.single.p99)}   errors ${r.relay.single.errors} non-2xx ${r.relay.single.non2xx}`,
  );
  console.log(`    reference (b)     ${ms(r.reference.single.p50)} / ${ms(r.reference.single.p99)}   added p50 ${ms(r.reference.single.p50 - r.direct.single.p50)}`);
  const a = r.arrivals;
  const arr = (x) => `p50 ${ms(x.p50)} p99 ${ms(x.p99)} (${x.arrived}/${x.sent} arrived, non-2xx ${x.non2xx})`;
  console.log('  light load: one request every 2 ms, delay from send to arrival at the app');
  console.log(`    app directly      ${arr(a.direct)}`);
  console.log(`    via relay         ${arr(a.relay)}   added p50 ${ms(a.relay.p50 - a.direct.p50)} (goal: arrives <= 1 ms after sent)`);
  console.log(`    reference (b)     ${arr(a.reference)}`);
  const al = (x) =>
    `${x.load.rps.toFixed(0).padStart(6)} req/s, ${x.load.relayUs.toFixed(0)} µs a request at 32 connections; concurrency 1: p50 ${ms(x.single.p50)}, ${x.single.relayUs.toFixed(0)} µs a request`;
  console.log('  each relay alone: its client answers at once (no history, no app), after the same warm-up');
  console.log(`    hookdev relay   ${al(r.alone.hookdev)}`);
  console.log(`    minimal relay   ${al(r.alone.reference)}   <- relay-minimal.js + relay-minimal-null-client.js`);
  const outcomes = Object.entries(r.outcomes).map(([k, n]) => `${k}: ${n}`).join(', ');
  console.log(`  relay answers       ${outcomes || 'n/a'} (all runs incl. warm-up)`);
  for (const l of r.relayEvents) console.log(`  relay event         ${l}`);
  for (const l of r.listenEvents) console.log(`  listen event        ${l}`);
}
