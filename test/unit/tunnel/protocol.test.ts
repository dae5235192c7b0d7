import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type KnownFrame, PROTOCOL_VERSION } from '../../../src/tunnel/protocol.js';

const request: KnownFrame = {
  type: 'request',
  id: 'r-1',
  method: 'POST',
  path: '/hooks/a?x=%20&y=1',
  url: 'https://relay.example/chan-a/hooks/a?x=%20&y=1',
  headers: [
    ['Content-Type', 'application/json'],
    ['X-Dup', 'a'],
    ['x-dup', 'b'],
    ['X-Latin1', 'caf\u00e9'],
  ],
  receivedAt: 1_700_000_000_123,
  remoteAddr: '203.0.113.9',
  httpVersion: '1.1',
  body: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x0a]),
};

describe('protocol', () => {
  it('round-trips every known frame type', () => {
    const frames: KnownFrame[] = [
      request,
      { type: 'response', id: 'r-1', status: 201, headers: [['Set-Cookie', 'a'], ['Set-Cookie', 'b']], body: Buffer.from('hi') },
      { type: 'ack', id: 'r-1' },
      { type: 'received', id: 'r-1' },
      { type: 'probe', id: 'n1' },
      { type: 'probe-reply', id: 'n1' },
      { type: 'hello', protocol: PROTOCOL_VERSION, publicUrl: 'https://r.example/ch', queued: 3 },
    ];
    for (const f of frames) {
      const r = decodeFrame(encodeFrame(f));
      expect(r).toEqual({ ok: true, frame: f });
    }
  });

  it('carries the ack-in-response marks only when set (older peers omit them)', () => {
    const merged = { type: 'response' as const, id: 'r-1', status: 200, headers: [], acked: true, body: Buffer.from('x') };
    expect(decodeFrame(encodeFrame(merged))).toEqual({ ok: true, frame: merged });
    const plain = decodeFrame(encodeFrame({ type: 'response', id: 'r-1', status: 200, headers: [], body: Buffer.alloc(0) }));
    expect(plain.ok && 'acked' in plain.frame).toBe(false);
    const hello = { type: 'hello' as const, protocol: PROTOCOL_VERSION, publicUrl: 'u', queued: 0, ackInResponse: true };
    expect(decodeFrame(encodeFrame(hello))).toEqual({ ok: true, frame: hello });
    const old = decodeFrame(encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, publicUrl: 'u', queued: 0 }));
    expect(old.ok && 'ackInResponse' in old.frame).toBe(false);
  });

  it('carries the backlog mark only when set; a frame without it (older relays) decodes as live', () => {
    const queued = decodeFrame(encodeFrame({ ...request, queued: true } as KnownFrame));
    expect(queued.ok && queued.frame.type === 'request' && queued.frame.queued).toBe(true);
    const live = encodeFrame({ ...request, queued: false } as KnownFrame);
    expect(JSON.parse(live.subarray(4, 4 + live.readUInt32BE(0)).toString())).not.toHaveProperty('queued');
    const old = decodeFrame(encodeFrame(request));
    expect(old.ok && old.frame.type === 'request' && 'queued' in old.frame).toBe(false);
    const odd = { type: 'request', id: 'x', method: 'POST', path: '/', headers: [], receivedAt: 1, queued: 'yes' };
    const json = Buffer.from(JSON.stringify(odd));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(json.length);
    const r = decodeFrame(Buffer.concat([len, json]));
    expect(r.ok && r.frame.type === 'request' && r.frame.queued === undefined).toBe(true);
  });

  it('keeps body bytes exact, including an empty body and every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const body of [Buffer.alloc(0), all, randomBytes(100_000)]) {
      const r = decodeFrame(encodeFrame({ ...request, body } as KnownFrame));
      expect(r.ok && r.frame.type === 'request' && r.frame.body.equals(body)).toBe(true);
    }
  });

  it('lays frames out as u32 BE length | JSON | body', () => {
    const buf = encodeFrame({ type: 'response', id: 'x', status: 200, headers: [], body: Buffer.from('BODY') });
    const n = buf.readUInt32BE(0);
    expect(JSON.parse(buf.subarray(4, 4 + n).toString())).toEqual({ type: 'response', id: 'x', status: 200, headers: [] });
    expect(buf.subarray(4 + n).toString()).toBe('BODY');
  });

  it('decodes unknown types as unknown, not as errors', () => {
    const json = Buffer.from(JSON.stringify({ type: 'flow-control', window: 5 }));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(json.length);
    expect(decodeFrame(Buffer.concat([len, json]))).toEqual({ ok: true, frame: { type: 'unknown', rawType: 'flow-control' } });
  });

  it('accepts fragments and ArrayBuffers', () => {
    const buf = encodeFrame({ type: 'ack', id: 'a' });
    expect(decodeFrame([buf.subarray(0, 3), buf.subarray(3)]).ok).toBe(true);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    expect(decodeFrame(ab as ArrayBuffer).ok).toBe(true);
  });

  it.each([
    ['too short', Buffer.from([0, 0])],
    ['length past the end', Buffer.from([0, 0, 0, 50, 0x7b])],
    ['huge length', Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ['not JSON', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{{{')])],
    ['JSON array', Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('[]')])],
    ['no type', Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{}')])],
  ])('returns an error value for %s', (_name, buf) => {
    const r = decodeFrame(buf);
    expect(r.ok).toBe(false);
  });

  it('validates the fields of known types', () => {
    const bad = [
      { type: 'request', id: '', method: 'POST', path: '/', headers: [], receivedAt: 1 },
      { type: 'request', id: 'a', method: 'POST', path: '/', headers: [['a']], receivedAt: 1 },
      { type: 'request', id: 'a', method: 'POST', path: '/', headers: [], receivedAt: 'x' },
      { type: 'response', id: 'a', status: 99, headers: [] },
      { type: 'response', id: 'a', status: 200.5, headers: [] },
      { type: 'ack' },
      { type: 'hello', protocol: '1', publicUrl: 'x' },
    ];
    for (const h of bad) {
      const json = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(4);
      len.writeUInt32BE(json.length);
      expect(decodeFrame(Buffer.concat([len, json])).ok, JSON.stringify(h)).toBe(false);
    }
  });

  it('fuzz: random bytes and mutated frames never throw', () => {
    // Seeded (mulberry32) so a failure reproduces.
    let seed = 0x9e3779b9;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const seeds = [
      encodeFrame(request),
      encodeFrame({ type: 'ack', id: 'abc' }),
      encodeFrame({ type: 'hello', protocol: 1, publicUrl: 'u', queued: 0 }),
      encodeFrame(request, 0, true),
      encodeFrame({ type: 'response', id: 'r-1', status: 200, headers: [['A', 'b']], acked: true, body: Buffer.from('x') }, 0, true),
    ];
    for (let i = 0; i < 5000; i++) {
      let buf: Buffer;
      if (i % 3 === 0) buf = bytes(i % 64);
      else {
        buf = Buffer.from(seeds[i % seeds.length]!);
        const flips = 1 + (i % 5);
        for (let k = 0; k < flips; k++) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
        if (i % 7 === 0) buf = buf.subarray(0, Math.floor(rand() * buf.length));
      }
      const r = decodeFrame(buf);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(typeof r.error).toBe('string');
    }
  });

  describe('compact request and response frames', () => {
    const response = {
      type: 'response' as const,
      id: 'r-1',
      status: 201,
      headers: [['Set-Cookie', 'a'], ['Set-Cookie', 'b'], ['X-Latin1', 'caf\u00e9']] as [string, string][],
      body: Buffer.from([0xff, 0, 0x80]),
    };

    it('round-trip to the same frames as JSON, marks included, and are told apart by their first byte', () => {
      const frames: KnownFrame[] = [
        request,
        { ...request, queued: true } as KnownFrame,
        response,
        { ...response, acked: true },
        { ...response, headers: [], body: Buffer.alloc(0) },
        { ...request, headers: [], body: Buffer.alloc(0), path: '', remoteAddr: '' } as KnownFrame,
      ];
      for (const f of frames) {
        const compact = encodeFrame(f, 0, true);
        expect([0xc1, 0xc2]).toContain(compact[0]);
        expect(encodeFrame(f)[0]).toBe(0); // JSON: the high byte of a header length of at most 4 MB
        expect(decodeFrame(compact)).toEqual({ ok: true, frame: f });
        expect(decodeFrame(compact)).toEqual(decodeFrame(encodeFrame(f)));
      }
    });

    it('keep every string whatever its characters: UTF-8, astral, latin1 values, empty names', () => {
      const f = {
        ...request,
        path: '/h\u00e9/\u{1f600}?q=\u4e2d',
        url: 'https://r.example/c/h\u00e9/\u{1f600}?q=\u4e2d',
        headers: [['X-A', '\u00ff\u0080\u00e9'], ['', ''], ['X-Emoji', '\u{1f680}x'], ['X-Long', 'v'.repeat(70_000)]],
      } as KnownFrame;
      expect(decodeFrame(encodeFrame(f, 0, true))).toEqual({ ok: true, frame: f });
    });

    it('leave headroom in front, as JSON frames do, and only request and response frames change form', () => {
      const a = encodeFrame(request, 10, true);
      expect(a.subarray(10)).toEqual(encodeFrame(request, 0, true));
      const ack = { type: 'ack' as const, id: 'x' };
      expect(encodeFrame(ack, 0, true)).toEqual(encodeFrame(ack));
    });

    it('keep a large body exact and as a view, not a copy', () => {
      const body = randomBytes(3 * 1024 * 1024);
      const buf = encodeFrame({ ...request, body } as KnownFrame, 0, true);
      const r = decodeFrame(buf);
      expect(r.ok && r.frame.type === 'request' && r.frame.body.equals(body)).toBe(true);
      expect(r.ok && r.frame.type === 'request' && r.frame.body.buffer).toBe(buf.buffer);
    });

    it('a status no answer can have is refused by the reader, not thrown by the writer', () => {
      for (const status of [70_000, -1, 200.5, 99, 1000]) {
        const buf = encodeFrame({ ...response, status }, 0, true);
        expect(decodeFrame(buf).ok, String(status)).toBe(false);
      }
    });

    it('refuse frames whose lengths, counts or fields do not add up', () => {
      const patch = (frame: Buffer, change: (b: Buffer) => void): Buffer => {
        const copy = Buffer.from(frame);
        change(copy);
        return copy;
      };
      const req = encodeFrame(request, 0, true); // id 'r-1': 3 bytes
      const res = encodeFrame(response, 0, true);
      const cases: Array<[string, Buffer]> = [
        ['only the marker', Buffer.from([0xc1])],
        ['response marker only', Buffer.from([0xc2, 0])],
        ['truncated text', req.subarray(0, 60)],
        // request: marker, flags, f64 receivedAt, u16 id bytes (10), u32 pairs (12), u32 text bytes (16), id at 20
        ['header count past the frame', patch(req, (b) => b.writeUInt32BE(0xffffffff, 12))],
        ['text length past the frame', patch(req, (b) => b.writeUInt32BE(0x7fffffff, 16))],
        ['id past the frame', patch(req, (b) => b.writeUInt16BE(0xffff, 10))],
        ['no id', patch(req, (b) => b.writeUInt16BE(0, 10))],
        // response: marker, flags, u16 status, u16 id bytes (4), u32 pairs (6), u32 text bytes (10), id at 14
        ['response pairs past the frame', patch(res, (b) => b.writeUInt32BE(0x100000, 6))],
        ['response id past the frame', patch(res, (b) => b.writeUInt16BE(0xfff0, 4))],
        // The first string length (the method's, right after the id) one longer: the lengths no longer add up.
        ['lengths that do not add up', patch(req, (b) => b.writeUInt32BE(b.readUInt32BE(20 + 3) + 1, 20 + 3))],
      ];
      const noId = encodeFrame({ ...request, id: '' } as KnownFrame, 0, true);
      cases.push(['empty id', noId]);
      cases.push(['empty method', encodeFrame({ ...request, method: '' } as KnownFrame, 0, true)]);
      cases.push(['NaN receivedAt', encodeFrame({ ...request, receivedAt: NaN } as KnownFrame, 0, true)]);
      cases.push(['id over 200', encodeFrame({ ...response, id: 'i'.repeat(201) }, 0, true)]);
      cases.push(['id over 64 KB', encodeFrame({ ...response, id: 'i'.repeat(70_000) }, 0, true)]);
      for (const [name, buf] of cases) {
        const r = decodeFrame(buf);
        expect(r.ok, name).toBe(false);
        if (!r.ok) expect(r.error, name).toMatch(/request|response/);
      }
    });

    it('the hello carries compactFrames only when set', () => {
      const hello = { type: 'hello' as const, protocol: PROTOCOL_VERSION, publicUrl: 'u', queued: 0, ackInResponse: true, compactFrames: true };
      expect(decodeFrame(encodeFrame(hello))).toEqual({ ok: true, frame: hello });
      const old = decodeFrame(encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, publicUrl: 'u', queued: 0 }));
      expect(old.ok && 'compactFrames' in old.frame).toBe(false);
    });
  });
});
