// The relay writes its request frames' WebSocket headers itself (one buffer per frame): ws's own Receiver, as a
// client runs it, is the oracle for every payload-length form.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeFrame, decodeFrame } from '../../../src/tunnel/protocol.js';
import { WS_HEADER_MAX, writeBinaryFrameHeader } from '../../../src/tunnel/ws-frame.js';

// ws exports its Receiver at run time; its typings do not declare it.
type ReceiverLike = EventEmitter & { write(chunk: Buffer): boolean };
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (o: { isServer: boolean; binaryType: string }) => ReceiverLike;
};

/** Feed bytes to a client-side Receiver; resolves with the binary messages it read. */
function receive(bytes: Buffer): Array<{ data: Buffer; binary: boolean }> {
  const r = new Receiver({ isServer: false, binaryType: 'nodebuffer' });
  const got: Array<{ data: Buffer; binary: boolean }> = [];
  r.on('message', (data: Buffer, binary: boolean) => got.push({ data, binary }));
  r.on('error', (err: Error) => {
    throw err;
  });
  r.write(bytes);
  return got;
}

describe('writeBinaryFrameHeader', () => {
  it('frames payloads of every length form (7-bit, 16-bit, 64-bit) as one final binary message', () => {
    for (const n of [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]) {
      const buf = Buffer.alloc(WS_HEADER_MAX + n);
      for (let i = 0; i < n; i++) buf[WS_HEADER_MAX + i] = i % 251;
      const start = writeBinaryFrameHeader(buf, WS_HEADER_MAX, n);
      expect(start).toBe(n <= 125 ? 8 : n <= 65_535 ? 6 : 0);
      // Two messages back to back: the header length is right (the second starts where the first ends).
      const frame = buf.subarray(start);
      const got = receive(Buffer.concat([frame, frame]));
      expect(got).toHaveLength(2);
      for (const m of got) {
        expect(m.binary).toBe(true);
        expect(m.data.equals(buf.subarray(WS_HEADER_MAX))).toBe(true);
      }
    }
  });

  it('carries a protocol frame encoded with headroom unchanged', () => {
    const body = Buffer.from('{"a":1}');
    const frame = encodeFrame({ type: 'response', id: 'r1', status: 201, headers: [['X-A', '1']], body }, WS_HEADER_MAX);
    expect(frame.subarray(WS_HEADER_MAX).equals(encodeFrame({ type: 'response', id: 'r1', status: 201, headers: [['X-A', '1']], body }))).toBe(true);
    const start = writeBinaryFrameHeader(frame, WS_HEADER_MAX, frame.length - WS_HEADER_MAX);
    const [m] = receive(frame.subarray(start));
    expect(decodeFrame(m!.data)).toEqual({ ok: true, frame: { type: 'response', id: 'r1', status: 201, headers: [['X-A', '1']], body } });
  });
});
