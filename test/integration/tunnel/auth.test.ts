import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, exitCodeFor } from '../../../src/core/errors.js';
import { connectTunnel, TunnelRefusedError } from '../../../src/tunnel/client.js';
import { connectRaw, recorder, startTestClient, startTestRelay, tempDir, type TestRelay } from '../../helpers/tunnel.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

describe('tunnel auth and channel claims', () => {
  const tmp = tempDir();
  let relay: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay({
      dbPath: join(tmp.dir, 'relay.db'),
      tokens: ['test-token-0123456789abcdef', 'second-token-abcdefghijklmnop'],
      authFailureLimit: { max: 3, windowMs: 60_000 },
    });
  });
  afterAll(async () => {
    await relay.close();
    tmp.cleanup();
  });

  it('refuses a wrong token with 401 and the client fails with a clear, exit-1 error', async () => {
    const raw = connectRaw(relay.connectUrl, { token: 'wrong', channel: 'auth-one' });
    const refused = await raw.refused;
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ error: 'missing or wrong token' });

    const c = startTestClient(relay, { channel: 'auth-one', token: 'also-wrong', onRequest: recorder().handler });
    const err = await c.tunnel.ready.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TunnelRefusedError);
    expect((err as TunnelRefusedError).message).toBe('relay refused token: check --token');
    expect(exitCodeFor(err)).toBe(1);
    await expect(c.tunnel.done).rejects.toBe(err);
    expect(c.states.map((s) => s.state)).toEqual(['connecting', 'failed']); // no retry loop
  });

  it('refuses a missing token with 401, and rate-limits repeated failures from one address with 429', async () => {
    // 2 failures above; the third reaches the limit, the fourth is refused before any token check.
    const missing = await connectRaw(relay.connectUrl, { token: null, channel: 'auth-two' }).refused;
    expect(missing.status).toBe(401);
    const limited = await connectRaw(relay.connectUrl, { token: 'test-token-0123456789abcdef', channel: 'auth-two' }).refused;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const metrics = await fetch(`${relay.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('hookdev_relay_auth_failures_total 3');
    expect(JSON.stringify(relay.logs)).not.toContain('also-wrong');
  });
});

describe('channel claims', () => {
  const tmp = tempDir();
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ dbPath: join(tmp.dir, 'relay.db'), tokens: ['test-token-0123456789abcdef', 'other-token-0123456789abcdef'] });
  });
  afterAll(async () => {
    await relay.close();
    tmp.cleanup();
  });

  it('refuses a second client on a claimed channel with 409 naming the channel', async () => {
    const first = startTestClient(relay, { channel: 'taken-one', onRequest: recorder().handler });
    await first.tunnel.ready;
    // Another token may claim any channel, but not one that is held.
    const raw = await connectRaw(relay.connectUrl, { token: 'other-token-0123456789abcdef', channel: 'taken-one' }).refused;
    expect(raw.status).toBe(409);
    expect(raw.body).toContain('taken-one');

    const second = startTestClient(relay, { channel: 'taken-one', onRequest: recorder().handler });
    const err = (await second.tunnel.ready.catch((e: unknown) => e)) as TunnelRefusedError;
    expect(err).toBeInstanceOf(TunnelRefusedError);
    expect(err.message).toBe('channel taken-one is already claimed by another client');
    expect(first.tunnel.state.state).toBe('connected');
    await first.tunnel.close();

    // Once released, the channel can be claimed again.
    const third = startTestClient(relay, { channel: 'taken-one', onRequest: recorder().handler });
    await third.tunnel.ready;
    await third.tunnel.close();
  });

  it('a client only sees its own channel traffic', async () => {
    const a = recorder();
    const b = recorder();
    const ca = startTestClient(relay, { channel: 'chan-a', onRequest: a.handler });
    const cb = startTestClient(relay, { channel: 'chan-b', token: 'other-token-0123456789abcdef', onRequest: b.handler });
    await Promise.all([ca.tunnel.ready, cb.tunnel.ready]);
    await fetch(`${relay.url}/chan-a/x`, { method: 'POST', body: 'for a' });
    await fetch(`${relay.url}/chan-b/y`, { method: 'POST', body: 'for b' });
    expect(a.requests.map((r) => r.body.toString())).toEqual(['for a']);
    expect(b.requests.map((r) => r.body.toString())).toEqual(['for b']);
    await Promise.all([ca.tunnel.close(), cb.tunnel.close()]);
  });

  it('refuses bad channel names and protocol versions at the upgrade', async () => {
    expect((await connectRaw(relay.connectUrl, { channel: 'Bad_Name' }).refused).status).toBe(400);
    const v = await connectRaw(relay.connectUrl, { channel: 'good-name', protocol: '99' }).refused;
    expect(v.status).toBe(426);
    expect(v.headers['x-hookdev-protocol']).toBe('1');
    expect(() =>
      connectTunnel({ relayUrl: relay.connectUrl, channel: 'Bad_Name', token: 't', onRequest: recorder().handler }),
    ).toThrow(UsageError);
  });
});

describe('a silent holder of a channel', () => {
  const tmp = tempDir();
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ dbPath: join(tmp.dir, 'relay.db'), holderCheckMs: 300, heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    await relay.close();
    tmp.cleanup();
  });

  it('is pinged when another client asks; a live one keeps its channel and the other is refused at once', async () => {
    const holder = connectRaw(relay.connectUrl, { channel: 'live-one', clientId: 'holder' });
    await holder.opened;
    const other = startTestClient(relay, { channel: 'live-one', onRequest: recorder().handler });
    const err = await other.tunnel.done.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelRefusedError);
    expect(other.states.some((s) => s.state === 'waiting')).toBe(false);
    expect(relay.logs).toContainEqual(expect.objectContaining({ event: 'holder-check', channel: channelTag('live-one'), alive: true }));
    holder.ws.close();
  });

  it('one that does not answer the ping (frozen) is dropped; the new client waits, then gets the channel', async () => {
    const frozen = connectRaw(relay.connectUrl, { channel: 'frozen-one', clientId: 'frozen', autoPong: false });
    await frozen.opened;
    const rec = recorder();
    const next = startTestClient(relay, { channel: 'frozen-one', onRequest: rec.handler });
    await next.tunnel.ready;
    expect(next.states.map((s) => s.state)).toContain('waiting');
    await frozen.closed;
    expect(relay.logs).toContainEqual(expect.objectContaining({ event: 'holder-check', channel: channelTag('frozen-one'), alive: false }));
    const res = await fetch(`${relay.url}/frozen-one/x`, { method: 'POST', body: 'to the new holder' });
    expect(res.status).toBe(200);
    expect(rec.requests.map((r) => r.body.toString())).toEqual(['to the new holder']);
    await next.tunnel.close();
  });
});
