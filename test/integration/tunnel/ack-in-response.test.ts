// One frame per answered request: a relay that says `ackInResponse` in its hello gets the ack inside the response
// (`acked: true`); a relay that does not (older) gets `ack` and `response` as before, and the relay still takes
// separate acks from older clients. Real relay, real client, raw WebSockets where one side plays an older peer.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, type RequestFrame } from '../../../src/tunnel/protocol.js';
import {
  authorizedMetrics,
  connectRaw,
  ok,
  recorder,
  send,
  startTestClient,
  startTestRelay,
  tempDir,
  waitFor,
} from '../../helpers/tunnel.js';
import { relayedRequestFrame, startFakeRelay } from '../../helpers/fake-relay.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

describe('the ack inside the response frame', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('a relay that offers it gets one response frame marked acked; a failed handler sends no ack at all', async () => {
    const fake = await startFakeRelay({ hello: { ackInResponse: true } });
    cleanups.push(() => fake.close());
    let fail = false;
    const rec = recorder(() => {
      if (fail) throw new Error('disk full');
      return ok('done', 201);
    });
    const c = startTestClient(fake, { channel: 'merged-one', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    fake.sockets[0]!.send(relayedRequestFrame('one'));
    await waitFor(() => fake.received.some((f) => f.type === 'response'), { what: 'response' });
    const answered = fake.received.filter((f) => f.type !== 'received');
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({ type: 'response', id: 'one', status: 201, acked: true });

    fail = true;
    fake.sockets[0]!.send(relayedRequestFrame('two'));
    await waitFor(() => fake.received.filter((f) => f.type === 'response').length === 2, { what: 'second response' });
    const second = fake.received.filter((f) => f.type === 'response')[1]!;
    expect(second).toMatchObject({ type: 'response', id: 'two', status: 502 });
    expect('acked' in second).toBe(false);
    expect(fake.received.some((f) => f.type === 'ack')).toBe(false);
  });

  it('a relay that does not offer it (older) gets the ack on its own, then the response without the mark', async () => {
    const fake = await startFakeRelay();
    cleanups.push(() => fake.close());
    const rec = recorder(() => ok('done'));
    const c = startTestClient(fake, { channel: 'older-relay', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    fake.sockets[0]!.send(relayedRequestFrame('one'));
    await waitFor(() => fake.received.some((f) => f.type === 'response'), { what: 'response' });
    const answered = fake.received.filter((f) => f.type !== 'received');
    expect(answered.map((f) => f.type)).toEqual(['ack', 'response']);
    expect('acked' in answered[1]!).toBe(false);
  });

  it('the relay offers it, and forgets a request on either form of ack (not on a bare response)', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'r.db') });
    cleanups.push(() => relay.close());
    const raw = connectRaw(relay.connectUrl, { channel: 'raw-acks' });
    cleanups.push(() => void raw.ws.terminate());
    await waitFor(() => raw.frames.find((f) => f.type === 'hello'), { what: 'hello' });
    expect(raw.frames[0]).toMatchObject({ type: 'hello', ackInResponse: true });

    const depth = async (): Promise<string | undefined> =>
      new RegExp(`hookdev_relay_channel_queue_depth\\{channel="${channelTag('raw-acks')}"\\} (\\d+)`).exec(await authorizedMetrics(relay))?.[1];
    const answer = async (reply: (id: string) => void): Promise<number> => {
      const before = raw.frames.length;
      const res = send(`${relay.url}/raw-acks/hook`, { body: 'x' });
      const req = (await waitFor(() => raw.frames.slice(before).find((f) => f.type === 'request'), { what: 'request frame' })) as RequestFrame;
      reply(req.id);
      return (await res).status;
    };
    const response = (id: string, acked?: boolean): Buffer =>
      encodeFrame({ type: 'response', id, status: 200, headers: [], body: Buffer.from('ok'), ...(acked ? { acked: true } : {}) });

    // An older client: ack, then response.
    expect(await answer((id) => (raw.ws.send(encodeFrame({ type: 'ack', id })), raw.ws.send(response(id))))).toBe(200);
    await waitFor(async () => (await depth()) === '0', { what: 'queue empty after a separate ack' });
    // A newer client: the response carries the ack.
    expect(await answer((id) => raw.ws.send(response(id, true)))).toBe(200);
    await waitFor(async () => (await depth()) === '0', { what: 'queue empty after an ack in the response' });
    // A response without any ack (the client could not commit): the request stays queued for redelivery.
    expect(await answer((id) => raw.ws.send(response(id)))).toBe(200);
    expect(await depth()).toBe('1');
  });
});
