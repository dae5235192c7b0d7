// Issue: signatures. (a) In-process cost of analyze() on a valid 2 KB request per provider.
// (b) Listener capture throughput with signature verification on vs off.
import { randomBytes } from 'node:crypto';
import { runLoad } from './load.js';
import { BIN, ROOT, countRequestEvents, jsonBody, startServer, tempDir } from './procs.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const STRIPE_SECRET = 'whsec_' + randomBytes(24).toString('hex');
const SECRETS = {
  stripe: STRIPE_SECRET,
  github: 'gh-bench-' + randomBytes(16).toString('hex'),
  'standard-webhooks': 'whsec_' + randomBytes(24).toString('base64'),
};

async function signatures() {
  return import(pathToFileURL(join(ROOT, 'dist', 'signatures', 'index.js')).href);
}

function signedHeaders(sig, provider, body, now) {
  return sig.getProvider(provider).sign({
    body,
    headers: [['Content-Type', 'application/json']],
    url: 'http://127.0.0.1/webhooks/bench',
    method: 'POST',
    secret: SECRETS[provider],
    now,
  });
}

export async function benchVerify({ iterations = 20_000, warmup = 3_000, durationMs = 5000, warmupMs = 1000 } = {}) {
  const sig = await signatures();
  const body = jsonBody(2048);

  // (a) in-process
  const perProvider = [];
  for (const provider of ['stripe', 'github', 'standard-webhooks']) {
    const now = Math.floor(Date.now() / 1000);
    const input = {
      body,
      headers: signedHeaders(sig, provider, body, now),
      url: 'http://127.0.0.1/webhooks/bench',
      method: 'POST',
      secrets: { [provider]: [SECRETS[provider]] },
      now,
    };
    const status = sig.analyze(input).status;
    for (let i = 0; i < warmup; i++) sig.analyze(input);
    let valid = 0;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) if (sig.analyze(input).status === 'valid') valid++;
    const ms = performance.now() - t0;
    perProvider.push({ provider, status, valid, iterations, usPerVerify: (ms * 1000) / iterations, perSec: iterations / (ms / 1000) });
  }

  // (b) listener throughput, verification off (no secret: the verdict is "no-secret") vs on (valid Stripe signature)
  const tmp = tempDir();
  const runs = { off: [], on: [] };
  try {
    let n = 0;
    for (const mode of ['off', 'on', 'off', 'on']) {
      n++;
      const args = [BIN, 'listen', '--port', '0', '--json', '--db', tmp.path(`verify-${n}.db`)];
      if (mode === 'on') args.push('--secret', `stripe=${STRIPE_SECRET}`);
      const listener = await startServer(args, { logFile: tmp.path(`verify-${n}.log`) });
      try {
        // A fresh timestamp per run so every request stays inside Stripe's 5-minute window.
        const headers = Object.fromEntries(signedHeaders(sig, 'stripe', body, Math.floor(Date.now() / 1000)));
        const load = (extra) => runLoad({ port: listener.port, path: '/webhooks/stripe', body, headers, connections: 32, ...extra });
        await load({ durationMs: warmupMs });
        runs[mode].push(await load({ durationMs }));
      } finally {
        await listener.stop();
      }
      runs[mode].at(-1).verdicts = verdictCounts(tmp.path(`verify-${n}.log`));
    }
  } finally {
    tmp.cleanup();
  }
  const best = (xs) => xs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const off = best(runs.off);
  const on = best(runs.on);
  return { perProvider, off, on, runs, ratio: on.rps / off.rps };
}

/** Signature statuses as logged by the listener (warm-up + measured run), from its NDJSON output. */
const verdictCounts = (logFile) => countRequestEvents(logFile, (e) => e.signature?.status ?? 'none');

export function printVerify(r) {
  console.log('verify (a): analyze() in-process, valid signature, 2 KB JSON body');
  for (const p of r.perProvider) {
    console.log(
      `  ${p.provider.padEnd(18)}  ${p.usPerVerify.toFixed(1).padStart(6)} µs/verify  ${p.perSec.toFixed(0).padStart(7)} verifies/s  (verdict ${p.status}, ${p.valid}/${p.iterations} valid)`,
    );
  }
  const f = (x) => x.rps.toFixed(0);
  const v = (x) => Object.entries(x.verdicts).map(([k, n]) => `${k} ${n}`).join(', ') || 'n/a';
  console.log('verify (b): hookdev listen, 2 KB JSON POST with a valid Stripe-Signature, 32 connections, best of 2 alternating runs');
  console.log(`  verification off    ${f(r.off)} req/s  p50 ${r.off.p50.toFixed(2)} ms  p99 ${r.off.p99.toFixed(2)} ms  errors ${r.off.errors} non-2xx ${r.off.non2xx}  (no secret; verdicts incl. warm-up: ${v(r.off)})`);
  console.log(`  verification on     ${f(r.on)} req/s  p50 ${r.on.p50.toFixed(2)} ms  p99 ${r.on.p99.toFixed(2)} ms  errors ${r.on.errors} non-2xx ${r.on.non2xx}  (--secret stripe=…; verdicts incl. warm-up: ${v(r.on)})`);
  console.log(`  all runs            off ${r.runs.off.map(f).join(', ')}  on ${r.runs.on.map(f).join(', ')} req/s`);
  console.log(`  ratio               ${r.ratio.toFixed(2)} on/off (goal >= 0.95)`);
}
