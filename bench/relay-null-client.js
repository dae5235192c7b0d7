// A hookdev relay client that answers every request frame at once (acked in the response), with no history and
// no app: with it, the relay's own CPU per request is measured apart from the client's.
//   node relay-null-client.js RELAY_PORT TOKEN CHANNEL
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../dist/tunnel/protocol.js';

const [port, token, channel] = process.argv.slice(2);
const ws = new WebSocket(`ws://127.0.0.1:${port}/_hookdev/connect`, {
  perMessageDeflate: false,
  // Compact frames, as hookdev's client asks for them.
  headers: { Authorization: `Bearer ${token}`, 'X-Hookdev-Channel': channel, 'X-Hookdev-Protocol': '1', 'X-Hookdev-Frames': 'compact' },
});
const body = Buffer.from('{"ok":true}');
const headers = [['Content-Type', 'application/json']];
let compact = false;
let corked = false;
ws.on('message', (data) => {
  const r = decodeFrame(data);
  if (!r.ok) return;
  if (r.frame.type === 'hello') {
    compact = r.frame.compactFrames === true;
    return void process.stdout.write(JSON.stringify({ event: 'listening', port: Number(port) }) + '\n');
  }
  if (r.frame.type !== 'request') return;
  // The answers of one turn in one write, as relay-minimal-null-client.js does (the pair must differ only in the relay).
  if (!corked) {
    corked = true;
    ws._socket.cork();
    setImmediate(() => {
      corked = false;
      ws._socket.uncork();
    });
  }
  ws.send(encodeFrame({ type: 'response', id: r.frame.id, status: 200, headers, acked: true, body }, 0, compact), { binary: true });
});
process.on('SIGTERM', () => process.exit(0));
