// Spawn servers for benchmarks and wait for their `listening` NDJSON line (read from a file, so that
// the server's per-request log costs it what it costs a user, not the benchmark's own process).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'hookdev.js');

export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'hookdev-bench-'));
  return { dir, path: (n) => join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start `node <args>` with stdout to a file; resolves once a line has `event: listening`. */
export async function startServer(args, { env = {}, logFile, match = (e) => e.event === 'listening' } = {}) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = readFileSync(logFile, 'utf8').split('\n');
    for (const l of lines) {
      try {
        const e = JSON.parse(l);
        if (match(e)) {
          const port = e.port ?? Number(new URL(e.url).port);
          return { child, port, event: e, stop: () => stop(child) };
        }
      } catch {}
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Peak resident set size of a process, in MB (Linux /proc). */
export function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function jsonBody(size) {
  const base = { id: 'evt_bench', type: 'charge.succeeded', created: 1700000000, data: { object: { id: 'ch_1', amount: 1000 } } };
  let s = JSON.stringify({ ...base, pad: '' });
  const pad = 'x'.repeat(Math.max(0, size - s.length));
  return Buffer.from(JSON.stringify({ ...base, pad }));
}

/** Count the `{"event":"request"}` lines of an NDJSON log by a key taken from each event. */
export function countRequestEvents(logFile, keyOf) {
  const counts = {};
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"event":"request"')) continue;
    try {
      const k = keyOf(JSON.parse(line));
      counts[k] = (counts[k] ?? 0) + 1;
    } catch {}
  }
  return counts;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime (fields 14 and 15 of stat)
  } catch {
    return null;
  }
}
