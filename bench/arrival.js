// Light load, as a developer sends webhooks: one request every `gapMs`, each sent when its slot comes (or
// when the previous one is answered, if later). The app (app-server.js) notes how long after it was sent
// each request arrived, on the machine-wide monotonic clock; this returns the median and p99 of that delay.
import { request, Agent } from 'node:http';

const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

function send(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port, path, method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-sent-ns': String(process.hrtime.bigint()) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function fetchArrivals(appPort) {
  const agent = new Agent();
  return new Promise((resolve, reject) => {
    request({ agent, host: '127.0.0.1', port: appPort, path: '/__arrivals' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    }).on('error', reject).end();
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Sends `count` requests `gapMs` apart to `port` + `path`; reads arrival delays from the app at `appPort`. */
export async function measureArrivals({ port, path, appPort, body, count = 300, gapMs = 2, settleMs = 2000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await fetchArrivals(appPort); // start a fresh list
  let non2xx = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await sleepUntil(t0 + i * gapMs);
    const status = await send(agent, port, path, body);
    if (status < 200 || status > 299) non2xx++;
  }
  // In default forwarding mode the app may see the last few after the sender's answer.
  const deadline = performance.now() + settleMs;
  let delays = [];
  for (;;) {
    delays = delays.concat(await fetchArrivals(appPort));
    if (delays.length >= count || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  agent.destroy();
  const ms = delays.map((ns) => ns / 1e6).sort((a, b) => a - b);
  return { sent: count, arrived: ms.length, non2xx, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}
