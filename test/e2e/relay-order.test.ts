import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cliGroup, runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send, waitFor } from '../helpers/http.js';

const TOKEN = 'e2e-relay-order-token-0123456789';
const BACKLOG = 60;
const tmp = makeTempDir();
const servers: Server[] = [];
const { start, killAll } = cliGroup({ XDG_CONFIG_HOME: tmp.path('config') });
afterAll(async () => {
  await killAll();
  for (const s of servers) s.closeAllConnections(), s.close();
  tmp.cleanup();
});

/** An app that notes the order requests reach it, and answers each after a small random delay. */
async function slowApp(): Promise<{ url: string; seen: string[]; maxInFlight: number }> {
  const app = { url: '', seen: [] as string[], maxInFlight: 0 };
  let inFlight = 0;
  const server = createServer((req, res) => {
    app.seen.push(req.url ?? '');
    app.maxInFlight = Math.max(app.maxInFlight, ++inFlight);
    req.resume();
    // Random answer delays, and every other answer closes its connection: with several deliveries in flight, one
    // that waits for a new connection is overtaken by a later one sent on a connection that just came free.
    setTimeout(() => {
      inFlight--;
      if (Math.random() < 0.5) res.setHeader('Connection', 'close');
      res.end('ok');
    }, 1 + Math.floor(Math.random() * 20));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return app;
}

describe('forwarding a relay backlog', () => {
  it.each([['default mode', []], ['--passthrough', ['--passthrough']]])('%s: requests queued at the relay while the client was away reach the app in history order', async (mode, extra) => {
    const relay = start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', tmp.path(`relay-${extra.length}.db`)]);
    const relayUrl = (await relay.waitForEvent((e) => e.event === 'listening')).url as string;
    const db = tmp.path(`laptop-${extra.length}.db`);
    const listenArgs = ['listen', '--port', '0', '--db', db, '--relay', relayUrl, '--token', TOKEN, '--channel', 'e2e-order', '--json'];
    // The laptop connects once (the relay learns the channel), then goes away.
    const first = start(listenArgs);
    const pub = (await first.waitForEvent((e) => e.event === 'listening' && e.door === 'relay')).url as string;
    await first.stop('SIGTERM');
    // Nobody connected: every request is queued and answered 202.
    for (let i = 1; i <= BACKLOG; i++) {
      const r = await send(`${pub}/q/${i}`, { body: `queued ${i}` });
      expect(r.status).toBe(202);
    }
    const app = await slowApp();
    const listen = start([...listenArgs, '--forward-to', app.url, ...extra]);
    await waitFor(() => app.seen.length >= BACKLOG || null, { timeoutMs: 20_000 });
    const expected = Array.from({ length: BACKLOG }, (_, i) => `/q/${i + 1}`);
    // The history holds them in the order the relay received them...
    const list = await runCli(['list', '--json', '--limit', '1000', '--db', db]);
    const rows = list.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { id: number; url: string });
    expect(rows.sort((a, b) => a.id - b.id).map((r) => r.url)).toEqual(expected);
    // ...and the app got them in that same order.
    expect(app.seen).toEqual(expected);
    // One at a time: each starts once the previous one was answered (so none can overtake another).
    expect(app.maxInFlight).toBe(1);

    // Live traffic afterwards is still forwarded (with --passthrough the sender gets the app's answer).
    const live = await send(`${pub}/live`, { body: 'live' });
    expect(live.status).toBe(200);
    if (mode === '--passthrough') expect(live.body.toString()).toBe('ok');
    await waitFor(() => app.seen.includes('/live') || null);
    await listen.stop('SIGTERM');
  });
});
