// A closed-loop HTTP/1.1 load generator: N keep-alive connections, each sends one request, waits for
// the whole response, sends the next. The same tool drives every server a section compares.
//
// The C version (load.c, compiled here with the system's cc on first use) is preferred: the JavaScript
// one below spends about 16 µs of CPU per request, as much as the bare server it measures, and on a
// 2-core machine that CPU is taken from the servers under test. HOOKDEV_BENCH_LOAD=js forces it.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./load.c', import.meta.url));
let nativeBinary;

/** Path of the compiled C load generator, or null when there is no C compiler (or JS is forced). */
function native() {
  if (nativeBinary !== undefined) return nativeBinary;
  nativeBinary = null;
  if (process.env.HOOKDEV_BENCH_LOAD === 'js') return null;
  const source = readFileSync(SOURCE);
  const dir = join(tmpdir(), 'hookdev-bench-load');
  const binary = join(dir, `load-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  try {
    if (!existsSync(binary)) {
      mkdirSync(dir, { recursive: true });
      execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', binary, SOURCE], { stdio: 'pipe' });
    }
    nativeBinary = binary;
  } catch (err) {
    console.error(`bench: could not compile bench/load.c (${err.message.split('\n')[0]}); using the JavaScript load generator`);
  }
  return nativeBinary;
}

/** Which load generator runLoad uses: "C (bench/load.c)" or "JavaScript (bench/load.js)". */
export function loadToolName() {
  return native() ? 'C (bench/load.c)' : 'JavaScript (bench/load.js)';
}

function requestBytes(opts) {
  const host = opts.host ?? '127.0.0.1';
  const body = opts.body ?? Buffer.alloc(0);
  let head = `${opts.method ?? 'POST'} ${opts.path ?? '/'} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\n`;
  for (const [k, v] of Object.entries(opts.headers ?? {})) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

/**
 * @param {{ port: number, host?: string, path?: string, method?: string, headers?: Record<string,string>,
 *   body?: Buffer, connections: number, durationMs?: number, requests?: number }} opts
 * @returns {Promise<{ requests: number, errors: number, non2xx: number, seconds: number, rps: number, p50: number, p99: number }>}
 */
export function runLoad(opts) {
  const binary = native();
  return binary ? runNative(binary, opts) : runLoadJs(opts);
}

function runNative(binary, opts) {
  const dir = join(tmpdir(), 'hookdev-bench-load');
  const file = join(dir, `request-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, requestBytes(opts));
  const args = [opts.host ?? '127.0.0.1', String(opts.port), String(opts.connections), String(opts.durationMs ?? 0), String(opts.requests ?? 0), file];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`load generator exited with ${code}`);
        const r = JSON.parse(out);
        resolve({ ...r, rps: r.requests / r.seconds });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
}

/** The JavaScript load generator on raw sockets (fallback). */
export function runLoadJs(opts) {
  const host = opts.host ?? '127.0.0.1';
  const request = requestBytes(opts);
  const latencies = [];
  let done = 0;
  let errors = 0;
  let non2xx = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = opts.durationMs ? started + opts.durationMs : Infinity;
  const limit = opts.requests ?? Infinity;

  return new Promise((resolve) => {
    let open = 0;
    const finish = () => {
      const elapsed = performance.now() - started;
      latencies.sort((a, b) => a - b);
      const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
      resolve({ requests: done, errors, non2xx, seconds: elapsed / 1000, rps: done / (elapsed / 1000), p50: pct(50), p99: pct(99) });
    };
    for (let c = 0; c < opts.connections; c++) {
      open++;
      const sock = connect(opts.port, host);
      sock.setNoDelay(true);
      let buf = Buffer.alloc(0);
      let t0 = 0;
      const next = () => {
        if (performance.now() >= deadline || sent >= limit) return sock.end();
        sent++;
        t0 = performance.now();
        sock.write(request);
      };
      sock.on('connect', next);
      sock.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const headText = buf.subarray(0, end).toString('latin1');
          const m = /content-length:\s*(\d+)/i.exec(headText);
          const len = m ? Number(m[1]) : 0;
          if (buf.length < end + 4 + len) return;
          const status = Number(headText.slice(9, 12));
          if (status < 200 || status >= 300) non2xx++;
          buf = buf.subarray(end + 4 + len);
          latencies.push(performance.now() - t0);
          done++;
          next();
        }
      });
      sock.on('error', () => errors++);
      sock.on('close', () => {
        if (--open === 0) finish();
      });
    }
  });
}
