// What this machine allows: the leanest reference implementations (bench/reference/) of each thing a goal
// measures, driven by the same load tool as the other sections, against the same yardsticks. They do less than
// hookdev (no verification, log, limits, durability of their own…): their ratios are ceilings for ours.
import { join } from 'node:path';
import { loadToolName, runLoad } from './load.js';
import { ROOT, jsonBody, startServer, tempDir } from './procs.js';
import { APP } from './forward.js';

const REF = join(ROOT, 'bench', 'reference');
const ref = (name) => join(REF, name);

export async function benchCeilings({ durationMs = 3000, rounds = 3 } = {}) {
  const tmp = tempDir();
  const body = jsonBody(2048);
  const servers = [];
  const start = async (args, name) => {
    const s = await startServer(args, { logFile: tmp.path(`${name}.log`) });
    servers.push(s);
    return s;
  };
  const load = (port, ms = durationMs) =>
    runLoad({ port, path: '/webhooks/bench', body, headers: { 'Content-Type': 'application/json' }, connections: 32, durationMs: ms });
  /** Alternate the contenders `rounds` times (the VM's speed drifts), keep each one's best. */
  const compare = async (contenders) => {
    for (const [, port] of contenders) await load(port, 1000);
    const best = {};
    for (let i = 0; i < rounds; i++) {
      for (const [name, port] of contenders) {
        const r = await load(port);
        if (!best[name] || r.rps > best[name].rps) best[name] = r;
      }
    }
    return best;
  };
  try {
    const bare = await start([join(ROOT, 'bench', 'bare-server.js')], 'bare');
    const inline = await start([ref('capture-group-commit.js'), tmp.path('inline.db'), 'inline'], 'inline');
    const hmac = await start([ref('capture-group-commit.js'), tmp.path('hmac.db'), 'inline', 'hmac'], 'hmac');
    const worker = await start([ref('capture-group-commit.js'), tmp.path('worker.db'), 'worker'], 'worker');
    const capture = await compare([['bare', bare.port], ['inline', inline.port], ['hmac', hmac.port], ['worker', worker.port]]);
    while (servers.length) await servers.pop().stop();

    const app = await start([APP], 'app');
    const origin = `http://127.0.0.1:${app.port}`;
    const undici = await start([ref('proxy-undici.js'), origin], 'undici');
    const rawClient = await start([ref('proxy-raw-client.js'), String(app.port)], 'raw-client');
    const pipe = await start([ref('pipe-tcp.js'), String(app.port)], 'pipe');
    const undiciCommit = await start([ref('proxy-undici-commit.js'), origin, tmp.path('ref-a.db'), 'passthrough'], 'undici-commit');
    const relay = await start([ref('relay-minimal.js')], 'relay');
    await start([ref('relay-minimal-client.js'), String(relay.port), origin], 'relay-client');
    const relayCommit = await start([ref('relay-minimal.js')], 'relay-commit');
    await start([ref('relay-minimal-client-commit.js'), String(relayCommit.port), origin, tmp.path('ref-b.db')], 'relay-commit-client');
    const forward = await compare([
      ['direct', app.port], ['undici', undici.port], ['undiciCommit', undiciCommit.port], ['rawClient', rawClient.port], ['pipe', pipe.port],
      ['relay', relay.port], ['relayCommit', relayCommit.port],
    ]);
    return { loadTool: loadToolName(), capture, forward };
  } finally {
    while (servers.length) await servers.pop().stop();
    tmp.cleanup();
  }
}

export function printCeilings(r) {
  const c = r.capture;
  const f = r.forward;
  const rps = (x) => `${x.rps.toFixed(0).padStart(6)} req/s`;
  const ratio = (x, base) => (x.rps / base.rps).toFixed(2);
  console.log(`ceilings: reference implementations in bench/reference/ (load tool: ${r.loadTool}; 32 connections, 2 KB JSON; best of 3 alternating rounds)`);
  console.log(`  bare node:http                                      ${rps(c.bare)}`);
  console.log(`  node:http + group commit, nothing else             ${rps(c.inline)}  = ${ratio(c.inline, c.bare)} of bare     (capture goal >= 0.80)`);
  console.log(`  the same, transaction in a worker thread            ${rps(c.worker)}  = ${ratio(c.worker, c.bare)} of bare`);
  console.log(`  the same (inline) + one HMAC-SHA256 per body        ${rps(c.hmac)}  = ${ratio(c.hmac, c.inline)} of without  (verify on/off goal >= 0.95)`);
  console.log(`  app directly                                        ${rps(f.direct)}`);
  console.log(`  node:http + undici proxy, nothing else              ${rps(f.undici)}  = ${ratio(f.undici, f.direct)} of direct   `);
  console.log(`  (a) the same + group commit of request and delivery ${rps(f.undiciCommit)}  = ${ratio(f.undiciCommit, f.direct)} of direct   (passthrough goal >= 0.8 of this)`);
  console.log(`  node:http + hand-written keep-alive client          ${rps(f.rawClient)}  = ${ratio(f.rawClient, f.direct)} of direct`);
  console.log(`  TCP byte pipe, no HTTP parsing                      ${rps(f.pipe)}  = ${ratio(f.pipe, f.direct)} of direct`);
  console.log(`  minimal relay: node:http -> ws -> client -> undici  ${rps(f.relay)}  = ${ratio(f.relay, f.direct)} of direct   `);
  console.log(`  (b) the same + the client's group commit             ${rps(f.relayCommit)}  = ${ratio(f.relayCommit, f.direct)} of direct   (relay goal >= 0.8 of this)`);
  const errors = [...Object.entries(c), ...Object.entries(f)].filter(([, x]) => x.errors || x.non2xx).map(([k, x]) => `${k}: ${x.errors} errors, ${x.non2xx} non-2xx`);
  if (errors.length) console.log(`  problems            ${errors.join('; ')}`);
}
