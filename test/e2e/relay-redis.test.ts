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
import { channelTag } from '../../src/tunnel/channel-tag.js';

const TOKEN = 'redis-relay-token-0123456789';
const tmp = makeTempDir('hookdev-redis-e2e-');
const procs = new Set<RunningCli>();
/** Every relay instance started here (restarted ones too): none may ever print a channel name. */
const relays = new Set<RunningCli>();
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
  relays.add(p);
  return p;
}

async function startInstance(name: 'a' | 'b' | 'c', port = 0): Promise<Instance> {
  const proc = spawnRelay(name, port);
  const e = await proc.waitForEvent((x) => x.event === 'listening');
  const i = { name, port: Number(e.port), url: String(e.url), proc };
  inst[name] = i;
  return i;
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

  it('SIGKILL of the delivering instance under load: every request answered 2xx/202 is in the history exactly once', async () => {
    lb.prefer(inst.b.port);
    const db = tmp.path('kill.db');
    const l = listen('kill-one', db);
    await connected(l);
    expect(lb.routed.at(-1)).toBe(inst.b.port);
    let stop = false;
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    let n = 0;
    const sender = async (target: () => Instance, tag: string): Promise<void> => {
      while (!stop) {
        const body = `${tag}-${n++}`;
        try {
          const r = await send(`${target().url}/kill-one/x`, { body });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status >= 200 && r.status < 300) accepted.push(body);
        } catch {
          // connection trouble: not answered, so not promised
        }
      }
    };
    const senders = [sender(() => inst.a, 'a'), sender(() => inst.c, 'c'), sender(() => inst.a, 'a2'), sender(() => inst.c, 'c2')];
    await waitFor(() => accepted.length >= 150, { what: 'load before the kill', timeoutMs: 20_000 });
    await inst.b.proc.stop('SIGKILL'); // the instance holding the client's socket
    procs.delete(inst.b.proc);
    const before = accepted.length;
    // The client reconnects through the balancer to another instance, which takes the channel over at once.
    await l.waitForEvent((e) => e.event === 'state' && e.state === 'connected' && l.events.filter((x) => x.state === 'connected').length >= 2, 20_000);
    await waitFor(() => accepted.length >= before + 150, { what: 'load after the kill', timeoutMs: 20_000 });
    stop = true;
    await Promise.all(senders);
    await waitFor(() => history(db).length >= accepted.length, { what: 'every accepted request delivered', timeoutMs: 20_000 });
    const bodies = history(db).map((r) => r.body.toString());
    const counts = new Map<string, number>();
    for (const b of bodies) counts.set(b, (counts.get(b) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true); // nothing twice
    expect(accepted.filter((b) => counts.get(b) !== 1)).toEqual([]); // nothing answered 2xx/202 lost
    expect((statuses.get(202) ?? 0) + (statuses.get(200) ?? 0)).toBe(accepted.length);
    await l.stop();
    await startInstance('b', inst.b.port);
  });

  it('SIGKILL of Redis with requests queued: 503 + Retry-After and not ready meanwhile, nothing lost, recovery by itself', async () => {
    await register('redis-crash');
    const sent: string[] = [];
    for (let i = 0; i < 9; i++) {
      const target = [inst.a, inst.b, inst.c][i % 3]!;
      const r = await send(`${target.url}/redis-crash/q/${i}`, { body: `queued-${i}` });
      expect(r.status).toBe(202);
      sent.push(`queued-${i}`);
    }
    await redis.kill();
    await waitFor(async () => (await fetch(`${inst.a.url}/healthz`)).status === 503, { what: 'A not ready' });
    const health = await fetch(`${inst.a.url}/healthz`);
    expect(await health.json()).toEqual({ ready: false });
    const down = await send(`${inst.a.url}/redis-crash/q/down`, { body: 'while-down' });
    expect(down.status).toBe(503);
    expect(down.headers.some(([k]) => k.toLowerCase() === 'retry-after')).toBe(true);
    const unknownDown = await send(`${inst.c.url}/never-claimed/x`, { body: 'x' });
    expect(unknownDown.status).toBe(503); // cannot tell whether the channel exists: never 2xx, never a false 404

    await redis.start();
    for (const i of [inst.a, inst.b, inst.c])
      await waitFor(async () => (await fetch(`${i.url}/healthz`)).status === 200, { what: `${i.name} ready again`, timeoutMs: 15_000 });
    expect((await metrics(inst.a)).match(/^hookdev_relay_store_errors_total\{instance="a"\} (\d+)$/m)?.[1]).not.toBe('0');

    lb.prefer(inst.c.port);
    const db = tmp.path('redis-crash.db');
    const l = listen('redis-crash', db);
    await connected(l);
    await waitFor(() => history(db).length === 9, { what: 'the queue after the Redis restart', timeoutMs: 10_000 });
    expect(history(db).map((r) => r.body.toString())).toEqual(sent);
    const after = await send(`${inst.b.url}/redis-crash/q/after`, { body: 'after' });
    expect(after.status).toBe(200);
    await l.stop();
  });

  it('one client per channel cluster-wide: another client is refused; the same client moving instances takes over', async () => {
    const wsOf = (i: Instance): string => `${i.url.replace('http', 'ws')}/_hookdev/connect`;
    const first = connectRaw(wsOf(inst.a), { token: TOKEN, channel: 'lease-one', clientId: 'client-1' });
    await first.opened;

    const states: TunnelState[] = [];
    const other = connectTunnel({
      relayUrl: wsOf(inst.c),
      channel: 'lease-one',
      token: TOKEN,
      onRequest: async () => ({ status: 200, headers: [], body: Buffer.alloc(0) }),
      onState: (s) => states.push(s),
      probeIntervalMs: 0,
    });
    const refused = await other.done.then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(TunnelRefusedError);
    expect((refused as TunnelRefusedError).reason).toBe('claimed');

    const moved = connectRaw(wsOf(inst.b), { token: TOKEN, channel: 'lease-one', clientId: 'client-1' });
    await moved.opened;
    await first.closed; // A dropped its socket: the lease moved to B
    expect(metric(await metrics(inst.b), /^hookdev_relay_lease_takeovers_total\{instance="b"\} (\d+)$/m)).toBe(1);
    // Both sides of the move name the channel by its tag.
    const tag = channelTag('lease-one');
    await inst.b.proc.waitForEvent((e) => e.event === 'lease-takeover' && e.channel === tag);
    await inst.a.proc.waitForEvent((e) => e.event === 'lease-lost' && e.channel === tag);
    // A request on C now goes to the socket on B.
    void send(`${inst.c.url}/lease-one/after-move`, { body: 'moved' }).catch(() => undefined);
    await waitFor(() => moved.frames.find((f) => f.type === 'request'), { what: 'request on the moved socket' });
    // Queue depth is reported only by the instance holding the lease; channel names only to token holders.
    expect(await metrics(inst.b, TOKEN)).toMatch(new RegExp(`hookdev_relay_channel_queue_depth\\{instance="b",channel="${channelTag('lease-one')}"\\} \\d+`));
    for (const i of [inst.a, inst.c]) expect(await metrics(i, TOKEN)).not.toContain('lease-one');
    for (const i of [inst.a, inst.b, inst.c]) {
      const text = await metrics(i);
      expect(text).not.toContain('lease-one');
      const series = text.split('\n').filter((x) => x !== '' && !x.startsWith('#'));
      expect(series.every((x) => x.includes(`instance="${i.name}"`))).toBe(true);
    }
    moved.ws.terminate();
  });

  it('a frozen holder (SIGSTOP) is pinged and handed over; the new client says it is waiting', async () => {
    lb.prefer(inst.a.port);
    const frozen = listen('frozen-one', tmp.path('frozen-1.db'));
    await connected(frozen);
    process.kill(frozen.child.pid!, 'SIGSTOP');
    try {
      lb.prefer(inst.c.port);
      const db = tmp.path('frozen-2.db');
      const next = listen('frozen-one', db);
      await next.waitForEvent((e) => e.event === 'state' && e.state === 'waiting', 20_000);
      await connected(next);
      const r = await send(`${inst.b.url}/frozen-one/x`, { body: 'to-the-new-one' });
      expect(r.status).toBe(200);
      expect(history(db).map((x) => x.body.toString())).toEqual(['to-the-new-one']);
      await next.stop();
    } finally {
      process.kill(frozen.child.pid!, 'SIGCONT');
      await frozen.stop('SIGKILL');
    }
  });

  it('caps are enforced in the shared store: a full queue answers 503 + Retry-After on every instance', async () => {
    const capped = spawnRelay('d', 0, ['--queue-cap', '3']);
    const d = Number((await capped.waitForEvent((e) => e.event === 'listening')).port);
    await register('capped-one');
    for (const i of [inst.a, inst.b, inst.c]) expect((await send(`${i.url}/capped-one/x`, { body: 'x' })).status).toBe(202);
    const full = await send(`http://127.0.0.1:${d}/capped-one/x`, { body: 'x' });
    expect(full.status).toBe(503);
    expect(full.headers.some(([k]) => k.toLowerCase() === 'retry-after')).toBe(true);
    await capped.stop();
  });

  it('a paused instance (SIGSTOP) loses its channel to the reconnected client and, resumed, stops serving it', async () => {
    lb.prefer(inst.b.port);
    const db = tmp.path('paused.db');
    const l = listen('paused-one', db);
    await connected(l);
    expect(lb.routed.at(-1)).toBe(inst.b.port);
    const bPid = inst.b.proc.child.pid!;
    process.kill(bPid, 'SIGSTOP');
    try {
      lb.prefer(inst.a.port); // the balancer's health check takes the frozen instance out
      await l.waitForEvent((e) => e.event === 'state' && e.state === 'connected' && l.events.filter((x) => x.state === 'connected').length >= 2, 30_000);
      for (let i = 0; i < 5; i++) expect((await send(`${inst.c.url}/paused-one/p/${i}`, { body: `p-${i}` })).status).toBe(200);
    } finally {
      process.kill(bPid, 'SIGCONT');
    }
    await inst.b.proc.waitForEvent((e) => (e.event === 'lease-lost' || e.event === 'client-terminated') && e.channel === channelTag('paused-one'), 20_000);
    for (let i = 5; i < 8; i++) expect((await send(`${inst.b.url}/paused-one/p/${i}`, { body: `p-${i}` })).status).toBe(200);
    expect(history(db).map((r) => r.body.toString())).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6', 'p-7']);
    expect(metric(await metrics(inst.a), /^hookdev_relay_lease_takeovers_total\{instance="a"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    await l.stop();
  });

  it('starts while Redis is away: listening but not ready, 503 to senders, ready once Redis comes', async () => {
    const later = await startTestRedis();
    await later.kill();
    try {
      const p = startCli(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--store', later.url, '--instance-id', 'late'], {
        env: { XDG_CONFIG_HOME: tmp.path('config') },
      });
      procs.add(p);
      const url = `http://127.0.0.1:${String((await p.waitForEvent((e) => e.event === 'listening')).port)}`;
      // said at start, with the reason, not only on a later change
      const away = await p.waitForEvent((e) => e.event === 'store-unavailable');
      expect(String(away.detail)).toMatch(/^cannot reach redis:\/\/127\.0\.0\.1:\d+\S*: .*ECONNREFUSED.*; answering 503 until it is back$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(503);
      expect((await send(`${url}/some-channel/x`, { body: 'x' })).status).toBe(503);
      await later.start();
      await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, { what: 'ready once Redis is up', timeoutMs: 15_000 });
      await p.waitForEvent((e) => e.event === 'store-available');
      await p.stop();
    } finally {
      await later.cleanup();
    }
  });

  it('SIGTERM ends a relay whose Redis is away (it waited forever on a QUIT queued for a Redis that never came)', async () => {
    const gone = await startTestRedis();
    await gone.kill();
    try {
      const p = startCli(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--store', gone.url, '--instance-id', 'away'], {
        env: { XDG_CONFIG_HOME: tmp.path('config') },
      });
      procs.add(p);
      await p.waitForEvent((e) => e.event === 'store-unavailable');
      expect(await p.stop('SIGTERM')).toBe(0);
    } finally {
      await gone.cleanup();
    }
  });

  it.each([
    [['--appendonly', 'no'], /appendonly no: a Redis restart loses queued requests/],
    [['--appendfsync', 'everysec'], /everysec: a Redis crash can lose up to about 1 s/],
    [['--maxmemory-policy', 'allkeys-lru'], /maxmemory-policy allkeys-lru: under memory pressure it would evict/],
  ])('warns at start-up when Redis cannot keep the 202 promise (%s)', async (flags, warning) => {
    const weak = await startTestRedis(flags);
    try {
      const p = startCli(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--store', weak.url], {
        env: { XDG_CONFIG_HOME: tmp.path('config') },
      });
      procs.add(p);
      await p.waitForEvent((e) => e.event === 'warning' && warning.test(String(e.message)));
      await p.stop();
    } finally {
      await weak.cleanup();
    }
  });

  it('no instance printed a channel name: its log says the tag (ch_ + 12 hex of sha256)', () => {
    const names = ['cross-one', 'order-one', 'kill-one', 'redis-crash', 'lease-one', 'frozen-one', 'capped-one', 'paused-one'];
    for (const r of relays) {
      const out = JSON.stringify(r.events) + r.stderr();
      for (const name of names) expect(out).not.toContain(name);
    }
    const all = [...relays].flatMap((r) => r.events);
    for (const name of names) expect(all.some((e) => e.channel === channelTag(name))).toBe(true);
  });

  it('with appendonly yes + appendfsync always, says nothing about persistence', () => {
    for (const i of [inst.a, inst.b, inst.c])
      expect(i.proc.events.filter((e) => e.event === 'warning' && /append/.test(String(e.message)))).toEqual([]);
  });
});
