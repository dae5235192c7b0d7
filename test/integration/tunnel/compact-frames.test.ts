// Compact request and response frames are used only when both sides speak them: the client asks in its upgrade
// (`X-Hookdev-Frames: compact`), the relay says yes in its hello (`compactFrames`). A client that does not ask gets
// JSON frames; a relay that does not say yes (older) gets JSON answers. Real relay, real client, raw WebSockets where
// one side plays an older or a hand-driven peer.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type Frame, type RequestFrame } from '../../../src/tunnel/protocol.js';
import { authorizedMetrics, connectRaw, ok, recorder, send, startTestClient, startTestRelay, tempDir, waitFor } from '../../helpers/tunnel.js';
import { relayedRequestFrame, startFakeRelay } from '../../helpers/fake-relay.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

const JSON_FORM = 0x00; // a JSON frame starts with its u32 header length (at most 4 MB)
const COMPACT_REQUEST = 0xc1;
const COMPACT_RESPONSE = 0xc2;

/** The first bytes of every message that decodes to a frame of this type, in order: which form the peer wrote. */
function formsOf(messages: Buffer[], type: Frame['type']): number[] {
  return messages.filter((m) => {
    const r = decodeFrame(m);
    return r.ok && r.frame.type === type;
  }).map((m) => m[0]!);
}

describe('compact frames', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function relayWithRaw(channel: string, frameForms?: string) {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'r.db') });
    cleanups.push(() => relay.close());
    const raw = connectRaw(relay.connectUrl, { channel, ...(frameForms !== undefined ? { frameForms } : {}) });
    cleanups.push(() => void raw.ws.terminate());
    await waitFor(() => raw.frames.find((f) => f.type === 'hello'), { what: 'hello' });
    return { relay, raw };
  }

  it('the relay sends compact request frames to a client that asked, and takes its compact answer and ack', async () => {
    const { relay, raw } = await relayWithRaw('compact-raw', 'compact');
    expect(raw.frames[0]).toMatchObject({ type: 'hello', ackInResponse: true, compactFrames: true });
    expect(formsOf(raw.raw, 'hello')).toEqual([JSON_FORM]); // the hello itself stays JSON

    const body = Buffer.from([0x7b, 0x00, 0xff, 0x80, 0x7d]);
    const sent = send(`${relay.url}/compact-raw/h%C3%A9/x?q=%E2%82%AC&r=1`, {
      headers: [['X-Latin1', 'cr\u00e8me'], ['X-Dup', 'a'], ['x-dup', 'b'], ['Content-Type', 'application/octet-stream']],
      body,
    });
    const req = (await waitFor(() => raw.frames.find((f) => f.type === 'request'), { what: 'request frame' })) as RequestFrame;
    expect(formsOf(raw.raw, 'request')).toEqual([COMPACT_REQUEST]);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/h%C3%A9/x?q=%E2%82%AC&r=1');
    expect(req.url.endsWith(`/compact-raw${req.path}`)).toBe(true);
    expect(req.headers).toEqual(
      expect.arrayContaining([
        ['X-Latin1', 'cr\u00e8me'],
        ['X-Dup', 'a'],
        ['x-dup', 'b'],
      ]),
    );
    expect(req.body.equals(body)).toBe(true);

    raw.ws.send(
      encodeFrame(
        { type: 'response', id: req.id, status: 207, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Back', '\u00e9t\u00e9']], acked: true, body: Buffer.from([1, 0, 255]) },
        0,
        true,
      ),
    );
    const res = await sent;
    expect(res.status).toBe(207);
    expect(res.headers.filter(([k]) => k === 'Set-Cookie').map(([, v]) => v)).toEqual(['a=1', 'b=2']);
    expect(res.headers).toContainEqual(['X-Back', '\u00e9t\u00e9']);
    expect(res.body.equals(Buffer.from([1, 0, 255]))).toBe(true);
    // The ack inside the compact response let the relay forget the request.
    const depth = new RegExp(`hookdev_relay_channel_queue_depth\\{channel="${channelTag('compact-raw')}"\\} (\\d+)`);
    await waitFor(async () => depth.exec(await authorizedMetrics(relay))?.[1] === '0', { what: 'queue empty' });
  });

  it('a client that did not ask (older) gets JSON request frames and no compactFrames in the hello', async () => {
    for (const [channel, forms] of [['json-raw', undefined], ['other-forms', 'zstd, v9']] as const) {
      const { relay, raw } = await relayWithRaw(channel, forms);
      expect('compactFrames' in raw.frames[0]!).toBe(false);
      const sent = send(`${relay.url}/${channel}/hook`, { body: 'x' });
      const req = (await waitFor(() => raw.frames.find((f) => f.type === 'request'), { what: 'request frame' })) as RequestFrame;
      expect(formsOf(raw.raw, 'request')).toEqual([JSON_FORM]);
      raw.ws.send(encodeFrame({ type: 'response', id: req.id, status: 200, headers: [], acked: true, body: Buffer.from('ok') }));
      expect((await sent).status).toBe(200);
    }
  });

  it('the client asks for compact frames and answers a relay that said yes in compact frames, acked', async () => {
    const fake = await startFakeRelay({ hello: { ackInResponse: true, compactFrames: true } });
    cleanups.push(() => fake.close());
    const rec = recorder((incoming) => ok(`got ${incoming.body.toString()}`, 201, [['X-Seen', incoming.method]]));
    const c = startTestClient(fake, { channel: 'compact-client', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    expect(fake.upgrades[0]!['x-hookdev-frames']).toBe('compact');

    fake.sockets[0]!.send(relayedRequestFrame('c-one', true));
    fake.sockets[0]!.send(relayedRequestFrame('j-two')); // a JSON frame is still read
    await waitFor(() => fake.received.filter((f) => f.type === 'response').length === 2, { what: 'two responses' });
    expect(rec.requests.map((r) => r.body.toString())).toEqual(['b', 'b']);
    expect(formsOf(fake.receivedRaw, 'response')).toEqual([COMPACT_RESPONSE, COMPACT_RESPONSE]);
    for (const f of fake.received) {
      if (f.type !== 'response') continue;
      expect(f).toMatchObject({ status: 201, acked: true, headers: [['X-Seen', 'POST']] });
      expect(f.body.toString()).toBe('got b');
    }
    expect(fake.received.filter((f) => f.type === 'response').map((f) => (f.type === 'response' ? f.id : ''))).toEqual(['c-one', 'j-two']);
  });

  it('a relay that did not say yes (older) gets JSON answers from the client', async () => {
    const fake = await startFakeRelay({ hello: { ackInResponse: true } });
    cleanups.push(() => fake.close());
    const rec = recorder(() => ok('done'));
    const c = startTestClient(fake, { channel: 'json-client', onRequest: rec.handler, heartbeatMs: 10_000 });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    fake.sockets[0]!.send(relayedRequestFrame('one'));
    await waitFor(() => fake.received.some((f) => f.type === 'response'), { what: 'response' });
    expect(formsOf(fake.receivedRaw, 'response')).toEqual([JSON_FORM]);
    expect(fake.received.find((f) => f.type === 'response')).toMatchObject({ id: 'one', status: 200, acked: true });
  });
});
