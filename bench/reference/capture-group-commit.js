// Reference: the leanest capture server the issue describes. node:http, group commit (requests read in one
// loop turn share one transaction, each answered after it commits), one prepared INSERT, WAL,
// synchronous=NORMAL, nothing else on the request path. No verification, no log, no events.
//   node capture-group-commit.js DB_PATH [inline|worker] [hmac]
// `worker`: the transaction runs in a worker thread (the main thread only parses HTTP and answers).
// `hmac`: also computes one HMAC-SHA256 of each body (a Stripe-style verification) before recording it.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';

const [dbPath, mode = 'inline', extra] = process.argv.slice(2);
const withHmac = extra === 'hmac';
const require = createRequire(import.meta.url);

/** Opens the database and returns commit(rows): one transaction for the whole batch. Also run inside the worker. */
function openReference(Database, dbPath) {
  const db = new Database(dbPath);
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, received_at INTEGER, method TEXT, url TEXT,
    headers TEXT, body BLOB, body_size INTEGER, remote_addr TEXT, http_version TEXT, signature_status TEXT)`);
  const insert = db.prepare(`INSERT INTO requests (received_at, method, url, headers, body, body_size, remote_addr,
    http_version, signature_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction((rows) => {
    for (const r of rows) insert.run(r[0], r[1], r[2], r[3], r[4], r[4].length, r[5], r[6], r[7]);
  });
}

let write; // (rows, done) => void
if (mode === 'worker') {
  const source = `
    const { parentPort, workerData: { dbPath, sqlite } } = require('node:worker_threads');
    const commit = (${openReference.toString()})(require(sqlite), dbPath);
    parentPort.on('message', (m) => { commit(m.rows); parentPort.postMessage(m.seq); });`;
  const worker = new Worker(source, { eval: true, workerData: { dbPath, sqlite: require.resolve('better-sqlite3') } });
  const waiting = new Map();
  let seq = 0;
  worker.on('message', (s) => {
    const done = waiting.get(s);
    waiting.delete(s);
    done();
  });
  write = (rows, done) => {
    waiting.set(++seq, done);
    worker.postMessage({ seq, rows });
  };
} else {
  const commit = openReference(require('better-sqlite3'), dbPath);
  write = (rows, done) => {
    commit(rows);
    done();
  };
}

const key = Buffer.from('whsec_reference_secret');
const signature = '0'.repeat(64); // the comparison's outcome does not matter, only its cost
let rows = [];
let answers = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = answers;
  write(rows, () => {
    for (const res of batch) {
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    }
  });
  rows = [];
  answers = [];
}
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const status = withHmac ? (createHmac('sha256', key).update(body).digest('hex') === signature ? 'valid' : 'invalid') : null;
    rows.push([Date.now(), req.method, req.url, JSON.stringify(req.rawHeaders), body, req.socket.remoteAddress, req.httpVersion, status]);
    answers.push(res);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
