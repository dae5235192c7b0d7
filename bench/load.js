// A small closed-loop HTTP/1.1 load generator on raw sockets: N connections, each sends one request,
// waits for the whole response, sends the next. No dependencies, so it costs the same against any server.
import { connect } from 'node:net';

/**
 * @param {{ port: number, host?: string, path?: string, method?: string, headers?: Record<string,string>,
 *   body?: Buffer, connections: number, durationMs?: number, requests?: number }} opts
 */
export function runLoad(opts) {
  const host = opts.host ?? '127.0.0.1';
  const body = opts.body ?? Buffer.alloc(0);
  let head = `${opts.method ?? 'POST'} ${opts.path ?? '/'} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\n`;
  for (const [k, v] of Object.entries(opts.headers ?? {})) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${body.length}\r\n\r\n`;
  const request = Buffer.concat([Buffer.from(head), body]);
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
