// The client half of relay-minimal.js answering every request at once, with no app: pairs with
// bench/relay-null-client.js to measure the two relays' own CPU per request apart from their clients.
//   node relay-minimal-null-client.js RELAY_PORT
import { WebSocket } from 'ws';

const [port] = process.argv.slice(2);
const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
ws.on('open', () => process.stdout.write(JSON.stringify({ event: 'listening', port: Number(port) }) + '\n'));
const body = Buffer.from('{"ok":true}');
let corked = false;
ws.on('message', (data) => {
  const id = data.readUInt32BE(0);
  const answer = Buffer.from(JSON.stringify({ status: 200 }));
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32BE(id, 0);
  prefix.writeUInt32BE(answer.length, 4);
  if (!corked) {
    corked = true;
    ws._socket.cork();
    setImmediate(() => {
      corked = false;
      ws._socket.uncork();
    });
  }
  ws.send(Buffer.concat([prefix, answer, body]), { binary: true });
});
process.on('SIGTERM', () => process.exit(0));
