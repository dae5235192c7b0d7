// Issue 11: the terminal UI on a 100,000-request history (2 KB JSON bodies) in a 120x40 pseudo-terminal.
// First paint from process start, keypress-to-repaint for navigation, filter first page, memory, and capture
// throughput of `listen` with the UI on vs `--no-ui` in the same run.
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runLoad } from './load.js';
import { BIN, ROOT, jsonBody, peakRssMb, tempDir } from './procs.js';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty');
const { Terminal } = require('@xterm/headless');

const COLS = 120;
const ROWS = 40;

/** The real binary in a PTY; the screen is read by a headless xterm unless `parse` is false (load phases). */
function startPty(args) {
  let parse = true;
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const t0 = performance.now();
  const child = pty.spawn(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: ROOT, env });
  const waiters = new Set();
  let pending = 0;
  child.onData((d) => {
    if (!parse) return;
    pending++;
    term.write(d, () => {
      pending--;
      for (const w of [...waiters]) w();
    });
  });
  const exited = new Promise((r) => child.onExit(r));
  const lines = () => {
    const b = term.buffer.active;
    const out = [];
    for (let i = 0; i < ROWS; i++) out.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return out;
  };
  const selected = () => {
    const b = term.buffer.active;
    for (let i = 0; i < ROWS; i++) {
      const line = b.getLine(b.viewportY + i);
      if (line?.getCell(2)?.isInverse()) return line.translateToString(true);
    }
    return null;
  };
  const waitFor = (pred, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (pending > 0) return;
        if (pred()) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`bench ui: screen condition not met; screen:\n${lines().join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const stopParsing = () => void (parse = false);
  return { child, t0, lines, selected, waitFor, exited, stopParsing, write: (s) => child.write(s), pid: child.pid };
}

async function fill(db, rows) {
  const { openStore } = await import(pathToFileURL(join(ROOT, 'dist', 'store', 'index.js')).href);
  const store = openStore(db);
  const stripe = jsonBody(2048);
  const github = Buffer.from(stripe.toString().replace('charge.succeeded', 'push.created__'));
  const start = Date.now() - rows * 1000;
  for (let done = 0; done < rows; ) {
    const batch = [];
    for (let i = 0; i < 5000 && done < rows; i++, done++) {
      const s = done % 2 === 0;
      batch.push({
        incoming: {
          source: 'http', method: 'POST', url: s ? `/webhooks/stripe/${done}` : `/webhooks/github/${done}`, httpVersion: '1.1',
          remoteAddr: '127.0.0.1', headers: [['Content-Type', 'application/json']], body: s ? stripe : github, receivedAt: start + done * 1000,
        },
        verdict: { provider: s ? 'stripe' : 'github', eventType: s ? 'charge.succeeded' : 'push', eventId: `e${done}`, status: done % 7 ? 'valid' : 'invalid', reason: done % 7 ? 'ok' : 'no signature matched' },
        responseStatus: done % 50 ? 200 : 500,
      });
    }
    store.insertMany(batch);
  }
  store.close();
}

const pct = (list, p) => {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function firstPaint(db) {
  const p = startPty(['ui', '--db', db]);
  const t = await p.waitFor(() => p.lines().some((l) => /^\s*100000 /.test(l)));
  return { p, ms: t - p.t0 };
}

/** `key` pressed `n` times; each time, the time until the selected row on screen changes. */
async function keyLatency(p, key, n, gapMs) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const before = p.selected();
    const t = performance.now();
    p.write(key);
    const done = await p.waitFor(() => p.selected() !== before).catch((err) => {
      throw new Error(`${key} #${i}: selection stayed ${JSON.stringify(before)}\n${err.message}`);
    });
    samples.push(done - t);
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  return { p50: pct(samples, 50), p95: pct(samples, 95), max: Math.max(...samples) };
}

/** In-process: the controller on the same file; time from the filter applied to its first screenful. */
async function filterFirstPage(db, text) {
  const dist = (m) => import(pathToFileURL(join(ROOT, 'dist', ...m.split('/'))).href);
  const [{ openStore }, { Browser }, { Controller }] = await Promise.all([dist('store/index.js'), dist('store/browse.js'), dist('ui/app/controller.js')]);
  const store = openStore(db);
  try {
    const c = new Controller({ browser: new Browser(store.db), source: db, cols: COLS, rows: ROWS });
    c.start();
    const runs = [];
    for (let i = 0; i < 5; i++) {
      c.applyFilter('');
      const stale = c.getSnapshot().list;
      const t = performance.now();
      const first = await new Promise((resolve) => {
        const off = c.subscribe(() => {
          const s = c.getSnapshot();
          if (s.filter.applied === text && s.list !== stale && (s.list.length >= c.listHeight || (!s.loading && !s.filter.searching))) {
            off();
            resolve(performance.now());
          }
        });
        c.applyFilter(text);
      });
      runs.push(first - t);
    }
    const s = c.getSnapshot();
    // and until the match count is known (the scan of the whole history, in chunks, keys served meanwhile)
    const t = performance.now();
    await new Promise((resolve) => {
      if (!c.getSnapshot().filter.searching) return resolve();
      const off = c.subscribe(() => !c.getSnapshot().filter.searching && (off(), resolve()));
    });
    const countMs = performance.now() - t;
    c.stop();
    return { text, ms: Math.min(...runs), median: pct(runs, 50), rows: s.list.length, matches: c.getSnapshot().filter.matches, countMs };
  } finally {
    store.close();
  }
}

/** In-process: the same App on a fake 120x40 terminal, so the figure is the UI's own cost (no PTY, no xterm). */
async function inProcessKeys(db) {
  const { EventEmitter } = await import('node:events');
  const prev = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const dist = (m) => import(pathToFileURL(join(ROOT, 'dist', ...m.split('/'))).href);
  const [{ openStore }, { Browser }, { Controller }, { App }, { render }, { createElement }] = await Promise.all([
    dist('store/index.js'), dist('store/browse.js'), dist('ui/app/controller.js'), dist('ui/app/App.js'), import('ink'), import('react'),
  ]);
  const store = openStore(db);
  const c = new Controller({ browser: new Browser(store.db), source: db, cols: COLS, rows: ROWS });
  c.start();
  class Out extends EventEmitter { columns = COLS; rows = ROWS; isTTY = true; last = 0; write() { this.last = performance.now(); return true; } }
  class In extends EventEmitter { isTTY = true; setRawMode() {} setEncoding() {} ref() {} unref() {} read() { return null; } pause() {} resume() {} }
  const out = new Out();
  const renders = [];
  const inst = render(createElement(App, { controller: c }), { stdout: out, stdin: new In(), exitOnCtrlC: false, patchConsole: false, maxFps: 60, onRender: (m) => renders.push(m.renderTime) });
  await new Promise((r) => { const t = setInterval(() => c.getSnapshot().counts.complete && (clearInterval(t), r()), 20); });
  renders.length = 0;
  const lat = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    c.key('j', {});
    await new Promise((r) => setTimeout(r, 40));
    lat.push(out.last - t);
  }
  inst.unmount();
  c.stop();
  store.close();
  process.env.NODE_ENV = prev;
  return { p50: pct(lat, 50), p95: pct(lat, 95), renderP50: pct(renders, 50), renderP95: pct(renders, 95) };
}

/** In-process: the controller and the frame writer the live UI uses, on the same file; key -> frame written. */
async function inProcessWriter(db) {
  const dist = (m) => import(pathToFileURL(join(ROOT, 'dist', ...m.split('/'))).href);
  const [{ openStore }, { Browser }, { Controller }, { FrameWriter }, { screenLines }] = await Promise.all([
    dist('store/index.js'), dist('store/browse.js'), dist('ui/app/controller.js'), dist('ui/app/frame-writer.js'), dist('ui/app/screen-lines.js'),
  ]);
  const store = openStore(db);
  const c = new Controller({ browser: new Browser(store.db), source: db, cols: COLS, rows: ROWS });
  c.start();
  await new Promise((r) => { const t = setInterval(() => c.getSnapshot().counts.complete && (clearInterval(t), r()), 20); });
  let bytes = 0;
  const w = new FrameWriter({ write: (s) => void (bytes += s.length) });
  const draw = () => w.draw(screenLines(c.getSnapshot(), [], Date.now()), COLS);
  draw();
  const lat = [];
  let lines = 0;
  bytes = 0;
  for (let i = 0; i < 400; i++) {
    const t = performance.now();
    c.key(i % 50 === 49 ? '' : 'j', i % 50 === 49 ? { pageDown: true } : {});
    lines += draw();
    lat.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
  c.stop();
  store.close();
  return { p50: pct(lat, 50), p95: pct(lat, 95), linesPerKey: lines / lat.length, bytesPerKey: bytes / lat.length };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `listen` in a PTY, with the UI or with --no-ui, under the same load; PTY output drained, not parsed. */
export async function captureWithUi(tmp, { durationMs = 3000, rounds = 3 } = {}) {
  const body = jsonBody(2048);
  const run = async (ui, i) => {
    const port = await freePort();
    const p = startPty(['listen', '--port', String(port), '--db', tmp.path(`cap-${ui ? 'ui' : 'plain'}-${i}.db`), ...(ui ? [] : ['--no-ui'])]);
    await p.waitFor(() => p.lines().some((l) => l.includes(`127.0.0.1:${port}`)));
    p.stopParsing(); // drained, not parsed: the bench's own xterm must not compete with the listener for the cores
    const r = await runLoad({ port, path: '/webhooks/bench', body, headers: { 'Content-Type': 'application/json' }, connections: 32, durationMs });
    const rss = peakRssMb(p.pid);
    p.child.kill('SIGTERM');
    await p.exited;
    return { ...r, rss };
  };
  const res = { ui: [], plain: [] };
  for (let i = 0; i < rounds; i++) {
    res.plain.push(await run(false, i));
    res.ui.push(await run(true, i));
  }
  const best = (l) => l.reduce((a, b) => (b.rps > a.rps ? b : a));
  const median = (l) => pct(l.map((r) => r.rps), 50);
  return { ui: best(res.ui), plain: best(res.plain), medianRatio: median(res.ui) / median(res.plain), all: { ui: res.ui.map((r) => r.rps), plain: res.plain.map((r) => r.rps) }, rss: { ui: Math.max(...res.ui.map((r) => r.rss ?? 0)), plain: Math.max(...res.plain.map((r) => r.rss ?? 0)) } };
}

export async function benchUi({ rows = 100_000 } = {}) {
  const tmp = tempDir();
  const db = tmp.path('ui.db');
  try {
    const t = performance.now();
    await fill(db, rows);
    const fillSeconds = (performance.now() - t) / 1000;
    const paints = [];
    let p = null;
    for (let i = 0; i < 3; i++) {
      const r = await firstPaint(db);
      paints.push(r.ms);
      if (i < 2) {
        r.p.write('q');
        await r.p.exited;
      } else p = r.p;
    }
    const backToBack = await keyLatency(p, 'j', 150, 0);
    const spaced = await keyLatency(p, 'k', 100, 50);
    const pages = await keyLatency(p, '\x1b[6~', 40, 50);
    // a filter typed in the UI itself: first screenful on screen
    const tf = performance.now();
    p.write('/provider:github\r');
    await p.waitFor(() => p.lines().some((l) => l.includes('filter: provider:github')) && p.lines().filter((l) => l.includes('/webhooks/github/')).length >= 20);
    const filterOnScreenMs = performance.now() - tf;
    const rss = peakRssMb(p.pid);
    p.write('q');
    await p.exited;
    const filters = [];
    for (const text of ['provider:stripe', 'charge.succeeded', 'sig:invalid status:5xx', 'path:/webhooks/stripe/99999']) filters.push(await filterFirstPage(db, text));
    const inProcess = await inProcessKeys(db);
    const writer = await inProcessWriter(db);
    const capture = await captureWithUi(tmp);
    return { rows, fillSeconds, paints, backToBack, spaced, pages, filterOnScreenMs, rss, filters, inProcess, writer, capture };
  } finally {
    tmp.cleanup();
  }
}

export function printUi(r) {
  const f1 = (x) => x.toFixed(1);
  console.log(`terminal UI (${r.rows.toLocaleString('en')} requests, 2 KB JSON bodies, ${COLS}x${ROWS} PTY read by a headless xterm; history filled in ${r.fillSeconds.toFixed(1)} s)`);
  console.log(`  first paint            ${r.paints.map((x) => x.toFixed(0)).join(', ')} ms from spawn to the newest row on screen (goal <= 300 ms)`);
  console.log(`  j, back to back        p50 ${f1(r.backToBack.p50)} ms  p95 ${f1(r.backToBack.p95)} ms  max ${f1(r.backToBack.max)} ms (key written to the PTY -> selection moved on screen)`);
  console.log(`  k, 50 ms apart         p50 ${f1(r.spaced.p50)} ms  p95 ${f1(r.spaced.p95)} ms  max ${f1(r.spaced.max)} ms (goal p95 <= 16 ms)`);
  console.log(`  PgDn, 50 ms apart      p50 ${f1(r.pages.p50)} ms  p95 ${f1(r.pages.p95)} ms  max ${f1(r.pages.max)} ms`);
  console.log(`  j, in process, writer  p50 ${r.writer.p50.toFixed(2)} ms  p95 ${r.writer.p95.toFixed(2)} ms key -> frame written by the frame writer the UI uses (${r.writer.linesPerKey.toFixed(1)} lines, ${r.writer.bytesPerKey.toFixed(0)} bytes a key)`);
  console.log(`  j, in process, Ink     p50 ${f1(r.inProcess.p50)} ms  p95 ${f1(r.inProcess.p95)} ms key -> frame written by the same lines as Ink components (App.tsx; Ink's own render time p50 ${f1(r.inProcess.renderP50)} ms, p95 ${f1(r.inProcess.renderP95)} ms), for comparison`);
  console.log(`  filter typed in the UI ${r.filterOnScreenMs.toFixed(0)} ms from "/provider:github⏎" to a full screen of matches`);
  for (const x of r.filters) {
    console.log(`  filter ${JSON.stringify(x.text).padEnd(30)} first page ${f1(x.ms)} ms (median ${f1(x.median)}), ${x.rows} rows; ${x.matches} matches counted in ${x.countMs.toFixed(0)} ms more (goal first page <= 100 ms)`);
  }
  console.log(`  peak RSS of hookdev ui ${r.rss?.toFixed(0)} MB (goal < 150 MB)`);
  const c = r.capture;
  console.log(`  capture, UI on         ${c.ui.rps.toFixed(0)} req/s  p99 ${c.ui.p99.toFixed(2)} ms  errors ${c.ui.errors}  RSS ${c.ui.rss?.toFixed(0)} MB`);
  console.log(`  capture, --no-ui       ${c.plain.rps.toFixed(0)} req/s  p99 ${c.plain.p99.toFixed(2)} ms  errors ${c.plain.errors}  RSS ${c.plain.rss?.toFixed(0)} MB (human log lines into the same PTY)`);
  console.log(`  all runs               UI ${c.all.ui.map((x) => x.toFixed(0)).join(', ')}  --no-ui ${c.all.plain.map((x) => x.toFixed(0)).join(', ')} req/s (best of each kept)`);
  console.log(`  ratio                  ${(c.ui.rps / c.plain.rps).toFixed(2)} of --no-ui, best of each (median of each: ${c.medianRatio.toFixed(2)}) (goal >= 0.90)`);
  console.log(`  peak RSS under load    UI ${c.rss.ui.toFixed(0)} MB, --no-ui ${c.rss.plain.toFixed(0)} MB (highest of the runs; goal < 150 MB)`);
}
