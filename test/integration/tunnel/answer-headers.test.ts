// What the relay does with a client's answer before writing it to the sender: hop-by-hop headers dropped,
// Content-Length made true, HEAD keeping the GET's length, and a 502 (never a crash, never a half-written answer)
// for a header or status HTTP cannot carry. Real relay, a raw WebSocket playing the client.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HeaderList } from '../../../src/core/types.js';
import { encodeFrame, type RequestFrame } from '../../../src/tunnel/protocol.js';
import { connectRaw, send, startTestRelay, tempDir, waitFor, type RawResponse } from '../../helpers/tunnel.js';

describe("the client's answer as the sender gets it", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(channel: string) {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'r.db') });
    cleanups.push(() => relay.close());
    const raw = connectRaw(relay.connectUrl, { channel });
    cleanups.push(() => void raw.ws.terminate());
    await waitFor(() => raw.frames.find((f) => f.type === 'hello'), { what: 'hello' });
    /** One request through the relay, answered by the raw client with this status, header list and body. */
    const exchange = async (method: string, status: number, headers: HeaderList, body: string): Promise<RawResponse> => {
      const before = raw.frames.length;
      const res = send(`${relay.url}/${channel}/hook`, method === 'POST' ? { method, body: 'x' } : { method });
      const req = (await waitFor(() => raw.frames.slice(before).find((f) => f.type === 'request'), { what: 'request frame' })) as RequestFrame;
      raw.ws.send(encodeFrame({ type: 'response', id: req.id, status, headers, body: Buffer.from(body), acked: true }));
      return res;
    };
    return { relay, exchange };
  }

  it('keeps the header list, drops hop-by-hop headers and sets a true Content-Length', async () => {
    const { exchange } = await setup('answer-framing');
    const res = await exchange(
      'POST',
      201,
      [
        ['X-B', '2'],
        ['Connection', 'close'],
        ['Content-Length', '999'],
        ['Transfer-Encoding', 'chunked'],
        ['x-a', '1'],
        ['X-B', '3'],
      ],
      'hello',
    );
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('hello');
    const own = res.headers.filter(([k]) => /^x-|^content-length$/i.test(k));
    expect(own).toEqual([
      ['X-B', '2'],
      ['Content-Length', '5'],
      ['x-a', '1'],
      ['X-B', '3'],
    ]);
    expect(res.headers.some(([k]) => k.toLowerCase() === 'transfer-encoding')).toBe(false);
  });

  it("answers HEAD with the length the client gave (the GET's), and no body", async () => {
    const { exchange } = await setup('answer-head');
    const res = await exchange('HEAD', 200, [['Content-Length', '1234']], '');
    expect(res.status).toBe(200);
    expect(res.headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1]).toBe('1234');
    expect(res.body.length).toBe(0);
  });

  it('answers 502 for a header name, a header value or a status HTTP cannot carry, and keeps serving', async () => {
    const { relay, exchange } = await setup('answer-bad');
    for (const [status, headers] of [
      [200, [['Bad Name', 'x']]],
      [200, [['X-Split', 'a\r\nInjected: yes']]],
      [700, []],
    ] as Array<[number, HeaderList]>) {
      const res = await exchange('POST', status, headers, 'hello');
      expect(res.status).toBe(502);
      expect(res.headers.some(([k]) => k.toLowerCase() === 'injected')).toBe(false);
      expect(JSON.parse(res.body.toString())).toEqual({ error: 'the client sent an answer that cannot be relayed' });
    }
    // A HEAD's Content-Length goes out as the client sent it, so it is checked too.
    expect((await exchange('HEAD', 200, [['Content-Length', '5\r\nInjected: yes']], '')).status).toBe(502);
    expect((await exchange('POST', 200, [['X-Fine', 'yes']], 'ok')).status).toBe(200);
    const outcomes = relay.logs.filter((e) => e.event === 'request').map((e) => `${e.status} ${e.outcome}`);
    expect(outcomes).toEqual([...Array(4).fill('502 bad-answer'), '200 answered']);
  });
});
