import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answer, IncomingWebhook } from '../../../src/core/types.js';
import {
  authorizedMetrics,
  CONNECT_PATH,
  connectRaw,
  ok,
  recorder,
  send,
  startTestClient,
  startTestRelay,
  tempDir,
  waitFor,
  type TestRelay,
} from '../../helpers/tunnel.js';
import { startTcpProxy } from '../../helpers/tunnel-proxy.js';
import { relayedRequestFrame, startFakeRelay } from '../../helpers/fake-relay.js';
import type { RelayOptions } from '../../../src/tunnel/relay-server.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

/** A request handler that holds each call until the test lets it go. */
function gate() {
  const calls: Array<{ incoming: IncomingWebhook; release: (a?: Answer) => void }> = [];
  return {
    calls,
    handler: (incoming: IncomingWebhook) =>
      new Promise<Answer>((resolve) => calls.push({ incoming, release: (a) => resolve(a ?? ok('late')) })),
    releaseAll: () => calls.forEach((c) => c.release()),
  };
}

describe('tunnel failure modes', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const relayFor = async (opts: Partial<RelayOptions> = {}): Promise<TestRelay> => {
    const tmp = tempDir();
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'relay.db'), ...opts });
    cleanups.push(tmp.cleanup, () => relay.close());
    return relay;
  };

  it('client killed mid-request: the sender is answered, the relay redelivers the same id to the next client', async () => {
    const relay = await relayFor();
    const proxy = await startTcpProxy(relay.port);
    cleanups.push(() => proxy.close());
    const g = gate();
    const a = startTestClient({ connectUrl: proxy.url(CONNECT_PATH) }, { channel: 'killed-one', onRequest: g.handler });
    cleanups.push(() => a.tunnel.close(), () => g.releaseAll());
    await a.tunnel.ready;

    const pending = send(`${relay.url}/killed-one/hook`, { body: 'precious' });
    await waitFor(() => g.calls.length === 1, { what: 'first delivery' });
    const firstId = g.calls[0]!.incoming.relayId;
    proxy.refuse();
    proxy.kill(); // the client process "dies" before committing

    const res = await pending;
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body.toString())).toMatchObject({ queued: true, id: firstId });

    const rec = recorder();
    const b = startTestClient(relay, { channel: 'killed-one', onRequest: rec.handler });
    cleanups.push(() => b.tunnel.close());
    await waitFor(() => rec.requests.length === 1, { what: 'redelivery' });
    expect(rec.requests[0]!.relayId).toBe(firstId);
    expect(rec.requests[0]!.body.toString()).toBe('precious');
  });

  it('dead but undetected client: the sender gets 202 promptly (not after the response timeout), nothing is lost', async () => {
    const relay = await relayFor({ receiptTimeoutMs: 300, responseTimeoutMs: 20_000, heartbeatMs: 60_000 });
    const proxy = await startTcpProxy(relay.port);
    cleanups.push(() => proxy.close());
    const rec = recorder();
    // Client heartbeat slower than the relay's receipt timeout: the relay notices first.
    const c = startTestClient({ connectUrl: proxy.url(CONNECT_PATH) }, { channel: 'silent-one', onRequest: rec.handler, heartbeatMs: 700 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;

    proxy.blackhole(); // lid closed: no FIN, no RST, bytes vanish
    const started = Date.now();
    const res = await send(`${relay.url}/silent-one/hook`, { body: 'while asleep' });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(3000);
    const id = JSON.parse(res.body.toString()).id as string;
    expect(relay.logs.some((l) => l.event === 'client-terminated' && l.reason === 'no-receipt')).toBe(true);

    // The client notices the silence by itself, reconnects, and gets the request with the same id.
    await waitFor(() => rec.requests.length === 1, { what: 'redelivery after reconnect', timeoutMs: 8000 });
    expect(rec.requests[0]!.relayId).toBe(id);
    expect(c.states.some((s) => s.state === 'offline')).toBe(true);
    expect(c.states.some((s) => s.state === 'reconnecting')).toBe(true);
  });

  it('client detects a relay that stops answering pings, and reconnects with backoff', async () => {
    const fake = await startFakeRelay({ autoPong: false });
    cleanups.push(() => fake.close());
    const c = startTestClient(fake, { channel: 'heartbeat-one', onRequest: recorder().handler, heartbeatMs: 100 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    const offline = await waitFor(() => c.states.find((s) => s.state === 'offline'), { what: 'offline state' });
    expect(offline).toMatchObject({ reason: expect.stringMatching(/no answer from the relay/) });
    await waitFor(() => c.states.find((s) => s.state === 'reconnecting'), { what: 'reconnecting' });
    const r = c.states.find((s) => s.state === 'reconnecting') as { delayMs: number };
    expect(r.delayMs).toBeGreaterThanOrEqual(0);
    expect(r.delayMs).toBeLessThanOrEqual(200);
    await waitFor(() => fake.sockets.length >= 2, { what: 'second connection' });
    // One fact, said once: the offline state carries the reason; no separate warning for the same timeout.
    expect(c.logs).toEqual([]);
  });

  it('relay drops a client that stops answering pings', async () => {
    const relay = await relayFor({ heartbeatMs: 100 });
    const raw = connectRaw(relay.connectUrl, { channel: 'mute-one', autoPong: false });
    await raw.opened;
    await raw.closed;
    expect(relay.logs).toContainEqual(expect.objectContaining({ event: 'client-terminated', reason: 'heartbeat timeout' }));
    // The channel is free again.
    const c = startTestClient(relay, { channel: 'mute-one', onRequest: recorder().handler });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
  });

  it('the same client reconnecting over a stale socket replaces it instead of getting 409', async () => {
    const relay = await relayFor({ heartbeatMs: 60_000 });
    const proxy = await startTcpProxy(relay.port);
    cleanups.push(() => proxy.close());
    const rec = recorder();
    const c = startTestClient({ connectUrl: proxy.url(CONNECT_PATH) }, { channel: 'stale-one', onRequest: rec.handler, heartbeatMs: 100 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    proxy.blackhole();
    await waitFor(() => c.states.filter((s) => s.state === 'connected').length === 2, { what: 'reconnected' });
    expect(relay.logs).toContainEqual(
      expect.objectContaining({ event: 'client-terminated', reason: 'replaced by a reconnect of the same client' }),
    );
    expect((await send(`${relay.url}/stale-one/x`, { body: 'y' })).status).toBe(200);
  });

  it('answers 504 when the client does not answer in time; the late commit still acks', async () => {
    const relay = await relayFor({ responseTimeoutMs: 300 });
    const g = gate();
    const c = startTestClient(relay, { channel: 'slow-one', onRequest: g.handler });
    cleanups.push(() => c.tunnel.close(), () => g.releaseAll());
    await c.tunnel.ready;
    const res = await send(`${relay.url}/slow-one/x`, { body: 'slow' });
    expect(res.status).toBe(504);
    g.releaseAll();
    await waitFor(async () => (await authorizedMetrics(relay)).includes(`hookdev_relay_channel_queue_depth{channel="${channelTag('slow-one')}"} 0`), {
      what: 'ack after the timeout',
    });
  });

  it('re-acks and re-answers a redelivered id without running the handler twice', async () => {
    const fake = await startFakeRelay({ autoPong: false });
    cleanups.push(() => fake.close());
    const rec = recorder(() => ok('first answer', 201));
    const c = startTestClient(fake, { channel: 'dedup-one', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    const frame = relayedRequestFrame('same-id');
    fake.sockets[0]!.send(frame);
    await waitFor(() => fake.received.some((f) => f.type === 'response'), { what: 'first response' });
    fake.sockets[0]!.send(frame);
    await waitFor(() => fake.received.filter((f) => f.type === 'response').length === 2, { what: 'second response' });
    expect(rec.requests).toHaveLength(1);
    expect(rec.requests[0]).toMatchObject({ relayId: 'same-id', remoteAddr: '1.2.3.4', receivedAt: 1 });
    // A quick answer needs no separate `received` receipt (the ack is one); one sent on a slow turn is harmless.
    expect(fake.received.filter((f) => f.type !== 'received').map((f) => f.type)).toEqual(['ack', 'response', 'ack', 'response']);
    const responses = fake.received.filter((f) => f.type === 'response');
    expect(responses.every((f) => f.type === 'response' && f.status === 201 && f.body.toString() === 'first answer')).toBe(true);
  });

  it('sends the `received` receipt while the local work is still running, before the ack and the response', async () => {
    const fake = await startFakeRelay({ autoPong: false });
    cleanups.push(() => fake.close());
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const rec = recorder(async () => {
      await released; // the local work lasts until the relay has its receipt
      return ok('slow answer');
    });
    const c = startTestClient(fake, { channel: 'receipt-one', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    fake.sockets[0]!.send(relayedRequestFrame('slow-id'));
    await waitFor(() => fake.received.some((f) => f.type === 'received'), { what: 'receipt' });
    expect(rec.requests).toHaveLength(0);
    release();
    await waitFor(() => fake.received.some((f) => f.type === 'response'), { what: 'response' });
    expect(fake.received.map((f) => f.type)).toEqual(['received', 'ack', 'response']);
  });

  it('does not ack when the local handler fails (the relay keeps the request)', async () => {
    const relay = await relayFor();
    const c = startTestClient(relay, {
      channel: 'broken-one',
      onRequest: () => Promise.reject(new Error('disk full')),
    });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    const res = await send(`${relay.url}/broken-one/x`, { body: 'x' });
    expect(res.status).toBe(502);
    const metrics = await authorizedMetrics(relay);
    expect(metrics).toContain(`hookdev_relay_channel_queue_depth{channel="${channelTag('broken-one')}"} 1`);
  });

  it('end-to-end probe passes through the public URL, and warns (degraded) when it does not reach the client', async () => {
    const relay = await relayFor();
    const good = startTestClient(relay, { channel: 'probe-one', onRequest: recorder().handler, probeIntervalMs: 50 });
    cleanups.push(() => good.tunnel.close());
    await waitFor(() => good.logs.find((l) => l.event === 'probe-ok'), { what: 'probe ok' });
    expect(good.states.some((s) => s.state === 'degraded')).toBe(false);

    // A relay whose advertised public URL leads somewhere else (misconfigured proxy, wrong --public-url).
    const wrong = await relayFor({ publicUrl: `${relay.url}` });
    const bad = startTestClient(wrong, { channel: 'probe-two', onRequest: recorder().handler, probeIntervalMs: 50 });
    cleanups.push(() => bad.tunnel.close());
    const degraded = await waitFor(() => bad.states.find((s) => s.state === 'degraded'), { what: 'degraded' });
    expect(degraded).toMatchObject({ reason: expect.stringMatching(/probe through .* answered 404/) });
    // Each fact once: later failing probes (counted as 404s where they land) add no second report.
    await waitFor(async () => {
      const m = /hookdev_relay_requests_total\{status="404"\} (\d+)/.exec(await fetch(`${relay.url}/metrics`).then((r) => r.text()));
      return Number(m?.[1] ?? 0) >= 4;
    }, { what: 'more failing probes' });
    expect(bad.states.filter((s) => s.state === 'degraded')).toHaveLength(1);
    expect(bad.logs).toEqual([]);
  });

  it('relay close drains in-flight requests before closing', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'relay.db') });
    const g = gate();
    const c = startTestClient(relay, { channel: 'drain-one', onRequest: g.handler });
    cleanups.push(() => c.tunnel.close(), () => g.releaseAll());
    await c.tunnel.ready;
    const pending = send(`${relay.url}/drain-one/x`, { body: 'x' });
    await waitFor(() => g.calls.length === 1, { what: 'delivery' });
    const closing = relay.close();
    g.calls[0]!.release(ok('drained', 200));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('drained');
    await closing;
    await waitFor(() => c.states.some((s) => s.state === 'offline'), { what: 'client saw the relay go' });
  });
});
