// The "your app" stand-in for forward/relay benchmarks: node:http, reads the body, answers 200 with a small body.
import { createServer } from 'node:http';

const answer = Buffer.from('{"ok":true}');
// Arrival delays (ns) of requests that carry `x-sent-ns` (process.hrtime of the sender: CLOCK_MONOTONIC, the same
// clock in every process on the machine); GET /__arrivals returns them and starts a new list.
let arrivals = [];
const server = createServer((req, res) => {
  const sent = req.headers['x-sent-ns'];
  if (sent) arrivals.push(Number(process.hrtime.bigint() - BigInt(sent)));
  if (req.url === '/__arrivals') {
    const out = Buffer.from(JSON.stringify(arrivals));
    arrivals = [];
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(out.length) });
    return res.end(out);
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(answer.length) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
});
