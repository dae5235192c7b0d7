// Reference (a) for the forward goals: the undici proxy of proxy-undici.js plus what hookdev must add to be a
// history, and nothing else: each request is group-committed before it is forwarded (passthrough) or answered
// (default mode), and each forward's delivery row rides the next group commit. No verification, no log, no
// limits, no retries, no ordering lane.
//   node proxy-undici-commit.js TARGET_ORIGIN DB_PATH [passthrough|default]
import { createServer } from 'node:http';
import { Agent } from 'undici';
import { openGroupCommit } from './group-commit.js';

const [origin, dbPath, mode = 'passthrough'] = process.argv.slice(2);
const agent = new Agent({ connections: 64 });
const store = openGroupCommit(dbPath);

async function forward(id, req, body) {
  const startedAt = Date.now();
  const t0 = performance.now();
  try {
    // Only the arrival stamp of bench/arrival.js is passed on besides the content type.
    const sent = req.headers['x-sent-ns'];
    const headers = sent ? { 'content-type': 'application/json', 'x-sent-ns': sent } : { 'content-type': 'application/json' };
    const r = await agent.request({ origin, path: req.url, method: req.method, body, headers });
    const answer = Buffer.from(await r.body.arrayBuffer());
    store.delivery({ requestId: id, target: origin, startedAt, durationMs: performance.now() - t0, status: r.statusCode, responseBody: answer });
    return { status: r.statusCode, body: answer };
  } catch (err) {
    store.delivery({ requestId: id, target: origin, startedAt, durationMs: performance.now() - t0, status: null, responseBody: null, error: String(err) });
    return { status: 502, body: Buffer.alloc(0) };
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const row = { receivedAt: Date.now(), method: req.method, url: req.url, headers: JSON.stringify(req.rawHeaders), body, remoteAddr: req.socket.remoteAddress };
    store.request(row, (id) => {
      if (mode === 'default') {
        res.writeHead(200, { 'Content-Length': '0' });
        res.end();
        void forward(id, req, body);
        return;
      }
      void forward(id, req, body).then((a) => {
        res.writeHead(a.status, { 'Content-Length': String(a.body.length) });
        res.end(a.body);
      });
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
