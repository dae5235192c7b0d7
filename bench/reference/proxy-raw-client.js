// Reference: node:http in, a minimal hand-written keep-alive HTTP/1.1 client out (Content-Length answers only,
// no timeouts, no error handling): a floor for any forwarder whose capture side is node:http.
//   node proxy-raw-client.js TARGET_PORT
import { createServer } from 'node:http';
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const idle = [];
function socket() {
  const reused = idle.pop();
  if (reused) return reused;
  const sock = connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let buf = null;
  sock.on('data', (chunk) => {
    buf = buf ? Buffer.concat([buf, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buf.latin1Slice(0, end);
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (buf.length < end + 4 + len) return;
    const body = buf.subarray(end + 4, end + 4 + len);
    buf = null;
    const done = sock.done;
    idle.push(sock);
    done(Number(head.slice(9, 12)), body);
  });
  return sock;
}
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const sock = socket();
    sock.done = (status, answer) => {
      res.writeHead(status, { 'Content-Length': String(answer.length) });
      res.end(answer);
    };
    sock.write(`${req.method} ${req.url} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    sock.write(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
