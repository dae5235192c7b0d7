import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { cliGroup, runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send } from '../helpers/http.js';

const TOKEN = 'e2e-relay-token-0123456789';
const tmp = makeTempDir();
const { start, killAll } = cliGroup({ XDG_CONFIG_HOME: tmp.path('config') });
afterAll(async () => {
  await killAll();
  tmp.cleanup();
});

async function history(db: string): Promise<Array<Record<string, any>>> {
  const r = await runCli(['list', '--json', '--limit', '1000', '--db', db]);
  return r.stdout.toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).reverse();
}

describe('relay → listen, as spawned binaries', () => {
  it('carries bytes and headers exactly, queues while the laptop is away, and loses nothing across restarts', async () => {
    const relayDb = tmp.path('relay.db');
    let relay = start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', relayDb]);
    const relayUrl = (await relay.waitForEvent((e) => e.event === 'listening')).url as string;
    const port = new URL(relayUrl).port;
    const db = tmp.path('laptop.db');
    const listenArgs = ['listen', '--port', '0', '--db', db, '--relay', relayUrl, '--token', TOKEN, '--channel', 'e2e-laptop', '--json'];
    let listen = start(listenArgs);
    const pub = (await listen.waitForEvent((e) => e.event === 'listening' && e.door === 'relay')).url as string;
    expect(pub).toBe(`${relayUrl}/e2e-laptop`);

    // Online: byte-exact body, header case/order/repeats, path and query.
    const body = Buffer.concat([randomBytes(4096), Buffer.from('\r\n\u0000✓')]);
    const res = await send(`${pub}/hooks/a%20b?x=1&x=2`, {
      body, headers: [['X-Case-Kept', 'One'], ['x-case-kept', 'two'], ['Content-Type', 'application/octet-stream']],
    });
    expect(res.status).toBe(200);
    const first = await listen.waitForEvent((e) => e.event === 'request' && e.source === 'relay');
    expect(first.url).toBe('/hooks/a%20b?x=1&x=2');
    const shown = JSON.parse((await runCli(['show', String(first.id), '--json', '--db', db])).stdout.toString());
    expect(Buffer.from(shown.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(shown.headers.filter(([k]: [string]) => /case-kept/i.test(k))).toEqual([['X-Case-Kept', 'One'], ['x-case-kept', 'two']]);

    // The laptop dies: the relay queues and answers 202.
    await listen.stop('SIGKILL');
    for (let i = 1; i <= 3; i++) {
      const r = await send(`${pub}/queued/${i}`, { body: `queued ${i}` });
      expect(r.status).toBe(202);
    }
    // The relay restarts with its queue on disk.
    await relay.stop('SIGTERM');
    relay = start(['relay', '--port', port, '--host', '127.0.0.1', '--token', TOKEN, '--db', relayDb]);
    await relay.waitForEvent((e) => e.event === 'listening');

    // The laptop comes back: the queue arrives in order, each request once.
    listen = start(listenArgs);
    for (let i = 1; i <= 3; i++) await listen.waitForEvent((e) => e.event === 'request' && e.url === `/queued/${i}`);
    const rows = await history(db);
    expect(rows.map((r) => r.url)).toEqual(['/hooks/a%20b?x=1&x=2', '/queued/1', '/queued/2', '/queued/3']);
    const health = await send(`${relayUrl}/healthz`, { method: 'GET' });
    expect(health.status).toBe(200);
    const metrics = (await send(`${relayUrl}/metrics`, { method: 'GET' })).body.toString();
    expect(metrics).toMatch(/hookdev_relay_/);
    expect(metrics).not.toContain(TOKEN);
  });

  it('a wrong token ends listen with exit 1 and a clear message', async () => {
    const relay = start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', tmp.path('r2.db')]);
    const relayUrl = (await relay.waitForEvent((e) => e.event === 'listening')).url as string;
    const r = await runCli(['listen', '--port', '0', '--db', tmp.path('x.db'), '--relay', relayUrl, '--token', 'wrong-token-wrong-token', '--json'], {
      env: { XDG_CONFIG_HOME: tmp.path('config') },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/relay refused token/);
    expect(r.stderr).not.toContain(TOKEN);
  });
});
