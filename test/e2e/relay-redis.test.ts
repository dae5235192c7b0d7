/**
 * Several `hookdev relay --store redis://…` instances behaving as one: a real redis-server (test helper, free
 * loopback port, temp dir, stopped by PID), three relay processes, a TCP balancer in front of them for the
 * laptop, `hookdev listen --relay` as the laptop, senders posting to any instance.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/open.js';
import { connectTunnel, TunnelRefusedError, type TunnelState } from '../../src/tunnel/client.js';
import { startBalancer, type Balancer } from '../helpers/balancer.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { send } from '../helpers/http.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { makeTempDir } from '../helpers/tmp.js';
import { connectRaw, waitFor } from '../helpers/tunnel.js';

const TOKEN = 'redis-relay-token-0123456789';
const tmp = makeTempDir('hookdev-redis-e2e-');
const procs = new Set<RunningCli>();
let redis: TestRedis;
let lb: Balancer;

interface Instance {
  name: string;
  port: number;
  url: string;
  proc: RunningCli;
}
const inst: Record<'a' | 'b' | 'c', Instance> = {} as never;

function spawnRelay(name: string, port: number, extra: string[] = []): RunningCli {
  const p = startCli(
    ['relay', '--port', String(port), '--host', '127.0.0.1', '--token', TOKEN, '--store', redis.url, '--instance-id', name, ...extra],
    { env: { XDG_CONFIG_HOME: tmp.path('config') } },
  );
  procs.add(p);
  return p;
}

async function startInstance(name: 'a' | 'b' | 'c', port = 0): Promise<Instance> {
  const proc = spawnRelay(name, port);
  const e = await proc.waitForEvent((x) => x.event === 'listening');
  const i = { name, port: Number(e.port), url: String(e.url), proc };
  inst[name] = i;
  return i;
}

/** SIGKILL an instance and start it again on the same port (the balancer knows it by port). */
async function restartInstance(name: 'a' | 'b' | 'c'): Promise<void> {
  await inst[name].proc.stop('SIGKILL');
  procs.delete(inst[name].proc);
  await startInstance(name, inst[name].port);
}

function listen(channel: string, db: string, extra: string[] = []): RunningCli {
  const p = startCli(
    ['listen', '--port', '0', '--db', db, '--relay', lb.wsUrl, '--channel', channel, '--token', TOKEN, '--json', ...extra],
    { env: { XDG_CONFIG_HOME: tmp.path('config') } },
  );
  procs.add(p);
  return p;
}

const connected = (p: RunningCli) => p.waitForEvent((e) => e.event === 'state' && e.state === 'connected', 20_000);

/** Claim a channel once (the relay only accepts traffic for channels a client has claimed), then leave. */
async function register(channel: string): Promise<void> {
  const c = connectRaw(`${inst.a.url.replace('http', 'ws')}/_hookdev/connect`, { token: TOKEN, channel });
  await c.opened;
  c.ws.close();
  await c.closed;
}

function history(db: string): Array<{ id: number; relay_id: string; body: Buffer; url: string }> {
  const d = openSqlite(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare('SELECT id, relay_id, body, url FROM requests ORDER BY id').all() as never;
  } finally {
    d.close();
  }
}

async function metrics(i: Instance, token?: string): Promise<string> {
  return fetch(`${i.url}/metrics`, token ? { headers: { Authorization: `Bearer ${token}` } } : {}).then((r) => r.text());
}

function metric(text: string, line: RegExp): number {
  const m = line.exec(text);
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  redis = await startTestRedis();
  await Promise.all([startInstance('a'), startInstance('b'), startInstance('c')]);
  lb = await startBalancer([inst.b.port, inst.a.port, inst.c.port]);
}, 60_000);

afterAll(async () => {
  await Promise.all([...procs].map((p) => p.stop('SIGKILL')));
  await lb?.close();
  await redis?.cleanup();
  tmp.cleanup();
});

describe('relay instances sharing one Redis', () => {
  it('a request on A reaches the client on B byte-exact, and B\'s answer goes back through A', async () => {
    lb.prefer(inst.b.port);
    const db = tmp.path('cross.db');
    const l = listen('cross-one', db, ['--response-status', '201', '--response-body', 'from-laptop']);
    await connected(l);
    expect(lb.routed.at(-1)).toBe(inst.b.port);
    const body = Buffer.concat([randomBytes(3000), Buffer.from('\r\n\u0000✓')]);
    const res = await send(`${inst.a.url}/cross-one/hooks/x?y=1`, {
      body,
      headers: [['X-Case', 'One'], ['x-case', 'two']],
    });
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('from-laptop');
    const rows = history(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body.equals(body)).toBe(true);
    expect(rows[0]!.url).toBe('/hooks/x?y=1');
    // B passed the answer to A; A answered the sender.
    expect(metric(await metrics(inst.b), /^hookdev_relay_handoffs_total\{instance="b"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    await l.stop();
  });

  it('queues on A and C while the client is away, and delivers in order through B on reconnect', async () => {
    await register('order-one');
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const target = i % 2 === 0 ? inst.a : inst.c;
      const r = await send(`${target.url}/order-one/n/${i}`, { body: `body-${i}` });
      expect(r.status).toBe(202);
      sent.push(`body-${i}`);
    }
    lb.prefer(inst.b.port);
    const db = tmp.path('order.db');
    const l = listen('order-one', db);
    await connected(l);
    await waitFor(() => history(db).length === 6, { what: 'six deliveries', timeoutMs: 10_000 });
    expect(history(db).map((r) => r.body.toString())).toEqual(sent);
    await l.stop();
  });
});
