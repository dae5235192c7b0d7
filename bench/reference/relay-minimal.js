// Reference: the leanest relay on the required stack. node:http ingress, one WebSocket (ws, no compression) to
// the client, binary frames = id, head length, JSON head, raw body; answers matched by id in a Map. No auth,
// no queue, no durability, no limits.
//   node relay-minimal.js
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const pending = new Map();
let nextId = 1;
let client = null;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const id = nextId++;
    pending.set(id, res);
    const head = Buffer.from(JSON.stringify({ method: req.method, url: req.url, headers: req.rawHeaders }));
    const prefix = Buffer.allocUnsafe(8);
    prefix.writeUInt32BE(id, 0);
    prefix.writeUInt32BE(head.length, 4);
    client.send(Buffer.concat([prefix, head, ...chunks]), { binary: true });
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => {
  client = ws;
  ws.on('message', (data) => {
    const id = data.readUInt32BE(0);
    const headLength = data.readUInt32BE(4);
    const head = JSON.parse(data.subarray(8, 8 + headLength));
    const body = data.subarray(8 + headLength);
    const res = pending.get(id);
    pending.delete(id);
    res.writeHead(head.status, { 'Content-Length': String(body.length) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
