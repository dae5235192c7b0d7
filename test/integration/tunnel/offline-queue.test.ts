import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizedMetrics, recorder, send, startTestClient, startTestRelay, tempDir, waitFor, type TestRelay } from '../../helpers/tunnel.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

async function queueDepth(relay: TestRelay, channel: string): Promise<number> {
  const text = await authorizedMetrics(relay);
  const m = new RegExp(`hookdev_relay_channel_queue_depth\\{channel="${channelTag(channel)}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

/** Claim the channel once so the relay knows it, then leave. */
async function registerChannel(relay: { connectUrl: string }, channel: string): Promise<void> {
  const c = startTestClient(relay, { channel, onRequest: recorder().handler });
  await c.tunnel.ready;
  await c.tunnel.close();
}

describe('offline queue', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const setup = async (opts: Parameters<typeof startTestRelay>[0] extends infer T ? Partial<T> : never = {}) => {
    const tmp = tempDir();
    const dbPath = join(tmp.dir, 'relay.db');
    const relay = await startTestRelay({ dbPath, ...opts });
    cleanups.push(tmp.cleanup, () => relay.close());
    return { relay, dbPath };
  };

  it('queues while no client is connected (202) and delivers in arrival order on connect, deleting on ack', async () => {
    const { relay } = await setup();
    await registerChannel(relay, 'queued-one');
    for (let i = 0; i < 10; i++) {
      const res = await send(`${relay.url}/queued-one/e/${i}`, { body: `event-${i}` });
      expect(res.status).toBe(202);
      expect(JSON.parse(res.body.toString())).toMatchObject({ queued: true, channel: 'queued-one' });
    }
    expect(await queueDepth(relay, 'queued-one')).toBe(10);

    const rec = recorder();
    const c = startTestClient(relay, { channel: 'queued-one', onRequest: rec.handler });
    cleanups.push(() => c.tunnel.close());
    await waitFor(() => rec.requests.length === 10, { what: '10 deliveries' });
    expect(rec.requests.map((r) => r.body.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `event-${i}`));
    expect(rec.requests.map((r) => r.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/e/${i}`));
    expect(c.states.find((s) => s.state === 'connected')).toMatchObject({ queued: 10 });
    await waitFor(async () => (await queueDepth(relay, 'queued-one')) === 0, { what: 'queue drained' });

    // Live traffic after the backlog is answered by the client.
    const live = await send(`${relay.url}/queued-one/live`, { body: 'now' });
    expect(live.status).toBe(200);
  });

  it('with offline=reject answers 503 + Retry-After and queues nothing', async () => {
    const { relay } = await setup({ offline: 'reject', retryAfterSec: 7 });
    await registerChannel(relay, 'reject-one');
    const res = await send(`${relay.url}/reject-one/x`, { body: 'x' });
    expect(res.status).toBe(503);
    expect(res.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1]).toBe('7');
    expect(await queueDepth(relay, 'reject-one')).toBe(0);
  });

  it('answers 503 when the channel queue is full', async () => {
    const { relay } = await setup({ queueCap: 2 });
    await registerChannel(relay, 'full-one');
    expect((await send(`${relay.url}/full-one/1`, { body: '1' })).status).toBe(202);
    expect((await send(`${relay.url}/full-one/2`, { body: '2' })).status).toBe(202);
    const full = await send(`${relay.url}/full-one/3`, { body: '3' });
    expect(full.status).toBe(503);
    expect(full.body.toString()).toContain('full');
  });

  it('keeps the queue across a relay restart: nothing lost, delivered in order, byte-exact', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dbPath = join(tmp.dir, 'relay.db');
    const first = await startTestRelay({ dbPath });
    await registerChannel(first, 'restart-one');
    const bodies = Array.from({ length: 5 }, (_, i) => Buffer.from([i, 0, 255, 10, 13]));
    for (const body of bodies) expect((await send(`${first.url}/restart-one/r`, { body })).status).toBe(202);
    await first.close();

    const second = await startTestRelay({ dbPath });
    cleanups.push(() => second.close());
    expect(await queueDepth(second, 'restart-one')).toBe(5);
    const rec = recorder();
    const c = startTestClient(second, { channel: 'restart-one', onRequest: rec.handler });
    cleanups.push(() => c.tunnel.close());
    await waitFor(() => rec.requests.length === 5, { what: 'redelivery after restart' });
    rec.requests.forEach((r, i) => expect(r.body.equals(bodies[i]!)).toBe(true));
    await waitFor(async () => (await queueDepth(second, 'restart-one')) === 0, { what: 'acks' });
  });
});
