// Reference (b) for the relay goals: the client half of relay-minimal.js plus the client's history: each
// relayed request is group-committed before it is forwarded and before its response frame goes back; the
// delivery row rides the next group commit. Pair it with relay-minimal.js. No auth, no queue, no dedupe.
//   node relay-minimal-client-commit.js RELAY_PORT APP_ORIGIN DB_PATH
import { Agent } from 'undici';
import { WebSocket } from 'ws';
import { openGroupCommit } from './group-commit.js';

const [relayPort, origin, dbPath] = process.argv.slice(2);
const agent = new Agent({ connections: 64 });
const store = openGroupCommit(dbPath);
const ws = new WebSocket(`ws://127.0.0.1:${relayPort}/`, { perMessageDeflate: false });
ws.on('open', () => process.stdout.write(JSON.stringify({ event: 'listening', port: Number(relayPort) }) + '\n'));
ws.on('message', (data) => {
  const relayId = data.readUInt32BE(0);
  const headLength = data.readUInt32BE(4);
  const head = JSON.parse(data.subarray(8, 8 + headLength));
  const body = data.subarray(8 + headLength);
  const row = { receivedAt: Date.now(), method: head.method, url: head.url, headers: JSON.stringify(head.headers), body, remoteAddr: null, relayId: String(relayId) };
  store.request(row, async (id) => {
    const startedAt = Date.now();
    const t0 = performance.now();
    // Only the arrival stamp of bench/arrival.js is passed on besides the content type.
    const sent = head.headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-sent-ns');
    const headers = sent >= 0 ? { 'content-type': 'application/json', 'x-sent-ns': head.headers[sent + 1] } : { 'content-type': 'application/json' };
    const r = await agent.request({ origin, path: head.url, method: head.method, body, headers });
    const answerBody = Buffer.from(await r.body.arrayBuffer());
    store.delivery({ requestId: id, target: origin, startedAt, durationMs: performance.now() - t0, status: r.statusCode, responseBody: answerBody });
    const answer = Buffer.from(JSON.stringify({ status: r.statusCode }));
    const prefix = Buffer.allocUnsafe(8);
    prefix.writeUInt32BE(relayId, 0);
    prefix.writeUInt32BE(answer.length, 4);
    ws.send(Buffer.concat([prefix, answer, answerBody]), { binary: true });
  });
});
process.on('SIGTERM', () => process.exit(0));
