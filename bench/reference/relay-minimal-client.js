// Reference: the client half of relay-minimal.js: WebSocket in, undici to the app, the answer back.
//   node relay-minimal-client.js RELAY_PORT APP_ORIGIN
import { Agent } from 'undici';
import { WebSocket } from 'ws';

const [relayPort, origin] = process.argv.slice(2);
const agent = new Agent({ connections: 64 });
const ws = new WebSocket(`ws://127.0.0.1:${relayPort}/`, { perMessageDeflate: false });
ws.on('open', () => process.stdout.write(JSON.stringify({ event: 'listening', port: Number(relayPort) }) + '\n'));
ws.on('message', async (data) => {
  const id = data.readUInt32BE(0);
  const headLength = data.readUInt32BE(4);
  const head = JSON.parse(data.subarray(8, 8 + headLength));
  const r = await agent.request({ origin, path: head.url, method: head.method, body: data.subarray(8 + headLength), headers: { 'content-type': 'application/json' } });
  const body = Buffer.from(await r.body.arrayBuffer());
  const answer = Buffer.from(JSON.stringify({ status: r.statusCode }));
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32BE(id, 0);
  prefix.writeUInt32BE(answer.length, 4);
  ws.send(Buffer.concat([prefix, answer, body]), { binary: true });
});
process.on('SIGTERM', () => process.exit(0));
