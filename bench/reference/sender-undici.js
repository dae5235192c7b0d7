// Reference: the leanest sender on the required stack: undici (kept-alive pool), N POSTs of one fixed body with
// C in flight. No signing, no unique ids, no history, no retries: what this machine allows a Node sender.
//   node sender-undici.js PORT COUNT CONCURRENCY BODY_FILE
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';

const [port, count, concurrency, file] = process.argv.slice(2);
const body = readFileSync(file);
const agent = new Agent({ connections: 32 });
const origin = `http://127.0.0.1:${port}`;
let next = 0;
let ok = 0;
const t0 = performance.now();
async function worker() {
  while (next < Number(count)) {
    next++;
    const r = await agent.request({ origin, path: '/webhooks', method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await r.body.dump();
    if (r.statusCode >= 200 && r.statusCode < 300) ok++;
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ requests: Number(count), ok, seconds, rps: Number(count) / seconds }) + '\n');
await agent.close();
