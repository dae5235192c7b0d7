// Reference: the leanest forwarding proxy on the required stack: node:http in, undici (kept-alive pool) out,
// the app's status and body passed back. No history, no verification, no log.
//   node proxy-undici.js TARGET_ORIGIN
import { createServer } from 'node:http';
import { Agent } from 'undici';

const origin = process.argv[2];
const agent = new Agent({ connections: 64 });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const r = await agent.request({ origin, path: req.url, method: req.method, body: Buffer.concat(chunks), headers: { 'content-type': 'application/json' } });
      const body = Buffer.from(await r.body.arrayBuffer());
      res.writeHead(r.statusCode, { 'Content-Length': String(body.length) });
      res.end(body);
    } catch {
      res.writeHead(502, { 'Content-Length': '0' });
      res.end();
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
