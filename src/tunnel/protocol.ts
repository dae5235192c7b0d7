/**
 * The relay <-> client wire protocol: pure encode/decode, no I/O.
 *
 * One binary WebSocket message per frame: `u32 BE header length | JSON header | raw body bytes`.
 * Bodies travel as raw bytes after the header (never JSON, never base64) so signatures survive.
 * Unknown frame types decode to `{ type: 'unknown' }` so an older peer tolerates a newer one.
 * Request and response frames also have a compact binary form (compact-frame.ts), used between peers that both
 * speak it; decodeFrame reads either. See PROTOCOL.md for the handshake.
 */
import type { HeaderList } from '../core/types.js';
import {
  decodeCompactRequest,
  decodeCompactResponse,
  encodeCompactRequest,
  encodeCompactResponse,
  COMPACT_REQUEST,
  isCompact,
} from './compact-frame.js';

export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket upgrade on the relay. */
export const CONNECT_PATH = '/_hookdev/connect';
/** Reserved path (under `/<channel>`) the relay answers itself after a probe round trip over the socket. */
export const PROBE_PREFIX = '/_hookdev/probe/';

/** Upgrade request headers (client -> relay). Names are lower case as Node exposes them. */
export const H_CHANNEL = 'x-hookdev-channel';
export const H_PROTOCOL = 'x-hookdev-protocol';
export const H_CLIENT_ID = 'x-hookdev-client-id';
/**
 * Upgrade request header (client -> relay): frame forms the client reads besides JSON. `compact`: the relay may send
 * compact request frames, and its hello then says `compactFrames` (the client answers in compact frames too).
 */
export const H_FRAMES = 'x-hookdev-frames';
export const COMPACT_FRAMES = 'compact';
/** Upgrade response header (relay -> client). */
export const H_PUBLIC_URL = 'x-hookdev-public-url';
/**
 * On a 409 refusal: `pending` when the channel's holder has been silent and is being checked; the client waits
 * (Retry-After) and tries again instead of giving up.
 */
export const H_HOLDER_CHECK = 'x-hookdev-holder-check';

/** Guard against absurd header lengths in garbage frames (real headers are a few KB). */
export const MAX_FRAME_HEADER_BYTES = 4 * 1024 * 1024;

/** relay -> client: a request that reached the public URL. */
export interface RequestFrame {
  type: 'request';
  id: string;
  method: string;
  /** Path and query as the sender sent them, without the `/<channel>` prefix. */
  path: string;
  /**
   * The whole public URL the sender used: scheme, host, `/<channel>`, path and query ('' from older relays).
   * URL-signing providers (Twilio, Square) sign exactly this.
   */
  url: string;
  headers: HeaderList;
  /** Epoch ms at the relay. */
  receivedAt: number;
  remoteAddr: string;
  httpVersion: string;
  /**
   * Read back from the relay's queue (a backlog: e.g. the sender was answered 202 while no client was connected)
   * rather than handed over live. The client forwards such requests one at a time, in order. Absent from older
   * relays and on live frames.
   */
  queued?: boolean;
  body: Buffer;
}

/** client -> relay: the local answer for a request. */
export interface ResponseFrame {
  type: 'response';
  id: string;
  status: number;
  headers: HeaderList;
  /**
   * The request is committed to the client's history: this frame is its `ack` too. Sent only to a relay whose
   * hello said `ackInResponse` (older relays get a separate `ack`); absent otherwise.
   */
  acked?: boolean;
  body: Buffer;
}

/** client -> relay: the request is committed locally; the relay may forget it. */
export interface AckFrame {
  type: 'ack';
  id: string;
}

/** client -> relay: the request frame arrived (transport receipt, sent before any local work). */
export interface ReceivedFrame {
  type: 'received';
  id: string;
}

/** relay -> client: end-to-end liveness probe; the client echoes it as `probe-reply`. */
export interface ProbeFrame {
  type: 'probe';
  id: string;
}

export interface ProbeReplyFrame {
  type: 'probe-reply';
  id: string;
}

/** relay -> client: first frame after the upgrade. */
export interface HelloFrame {
  type: 'hello';
  protocol: number;
  publicUrl: string;
  /** Requests waiting in the relay's queue for this channel at connect time. */
  queued: number;
  /** This relay takes `response` + `acked: true` as the ack (one frame per request instead of two). Absent from older relays. */
  ackInResponse?: boolean;
  /**
   * This relay sends compact request frames on this socket and reads compact response frames (the client asked with
   * `X-Hookdev-Frames: compact`). Absent from older relays and for clients that did not ask.
   */
  compactFrames?: boolean;
}

/** A frame whose type this version does not know: kept, not an error. */
export interface UnknownFrame {
  type: 'unknown';
  rawType: string;
}

export type Frame =
  | RequestFrame
  | ResponseFrame
  | AckFrame
  | ReceivedFrame
  | ProbeFrame
  | ProbeReplyFrame
  | HelloFrame
  | UnknownFrame;

export type KnownFrame = Exclude<Frame, UnknownFrame>;

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: string };

const EMPTY = Buffer.alloc(0);

/**
 * The frame as one buffer. `headroom` bytes are left free in front of it (the relay writes the WebSocket frame
 * header there, so a request frame leaves as one buffer); the frame itself starts at that offset. `compact`: a
 * request or response frame in the compact form, for a peer that speaks it (other types are always JSON).
 */
export function encodeFrame(frame: KnownFrame, headroom = 0, compact = false): Buffer {
  if (compact) {
    if (frame.type === 'request') return encodeCompactRequest(frame, headroom);
    if (frame.type === 'response') return encodeCompactResponse(frame, headroom);
  }
  let body: Buffer = EMPTY;
  let header: Record<string, unknown>;
  // The two frames sent per request get their header built field by field: an object rest (`{ body, ...rest }`)
  // costs a runtime call and a dictionary-mode object on every frame.
  if (frame.type === 'request') {
    body = frame.body;
    header = {
      type: frame.type,
      id: frame.id,
      method: frame.method,
      path: frame.path,
      url: frame.url,
      headers: frame.headers,
      receivedAt: frame.receivedAt,
      remoteAddr: frame.remoteAddr,
      httpVersion: frame.httpVersion,
    };
    if (frame.queued) header.queued = true; // only when set: live frames stay as they were
  } else if (frame.type === 'response') {
    body = frame.body;
    header = { type: frame.type, id: frame.id, status: frame.status, headers: frame.headers };
    if (frame.acked) header.acked = true;
  } else header = frame as unknown as Record<string, unknown>;
  // One allocation, no intermediate copies: length prefix, header written in place, then the body.
  const json = JSON.stringify(header);
  const hlen = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(headroom + 4 + hlen + body.length);
  out.writeUInt32BE(hlen, headroom);
  out.write(json, headroom + 4, 'utf8');
  if (body.length) body.copy(out, headroom + 4 + hlen);
  return out;
}

/** Decode one WebSocket message. Never throws: garbage returns `{ ok: false, error }`. */
export function decodeFrame(data: Buffer | ArrayBuffer | Buffer[]): DecodeResult {
  try {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length > 0 && isCompact(buf[0]!)) return decodeCompact(buf);
    if (buf.length < 4) return fail('frame shorter than its length prefix');
    const hlen = buf.readUInt32BE(0);
    if (hlen > MAX_FRAME_HEADER_BYTES) return fail(`frame header too large (${hlen} bytes)`);
    if (4 + hlen > buf.length) return fail('frame header length exceeds the frame');
    let h: unknown;
    try {
      h = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8'));
    } catch {
      return fail('frame header is not JSON');
    }
    if (!isObject(h)) return fail('frame header is not an object');
    if (typeof h.type !== 'string') return fail('frame header has no type');
    // The body is a view into the message buffer: no copy for large bodies.
    return parseHeader(h, buf.subarray(4 + hlen));
  } catch (err) {
    return fail(`undecodable frame: ${(err as Error).message}`);
  }
}

function decodeCompact(buf: Buffer): DecodeResult {
  return buf[0] === COMPACT_REQUEST
    ? decodeCompactRequest(buf, MAX_FRAME_HEADER_BYTES)
    : decodeCompactResponse(buf, MAX_FRAME_HEADER_BYTES);
}

function parseHeader(h: Record<string, unknown>, body: Buffer): DecodeResult {
  const type = h.type as string;
  switch (type) {
    case 'request': {
      if (!isId(h.id)) return fail('request: bad id');
      if (!isStr(h.method) || h.method === '') return fail('request: bad method');
      if (!isStr(h.path)) return fail('request: bad path');
      if (!isHeaderList(h.headers)) return fail('request: bad headers');
      if (!isNum(h.receivedAt)) return fail('request: bad receivedAt');
      const frame: RequestFrame = {
        type,
        id: h.id,
        method: h.method,
        path: h.path,
        url: isStr(h.url) ? h.url : '',
        headers: h.headers,
        receivedAt: h.receivedAt,
        remoteAddr: isStr(h.remoteAddr) ? h.remoteAddr : '',
        httpVersion: isStr(h.httpVersion) ? h.httpVersion : '1.1',
        body,
      };
      // Set only when true, as before; assigned rather than spread from a conditional object (a temporary object
      // and a generic copy on every frame).
      if (h.queued === true) frame.queued = true;
      return ok(frame);
    }
    case 'response': {
      if (!isId(h.id)) return fail('response: bad id');
      if (!Number.isInteger(h.status) || (h.status as number) < 100 || (h.status as number) > 999)
        return fail('response: bad status');
      if (!isHeaderList(h.headers)) return fail('response: bad headers');
      const frame: ResponseFrame = { type, id: h.id, status: h.status as number, headers: h.headers, body };
      if (h.acked === true) frame.acked = true;
      return ok(frame);
    }
    case 'ack':
    case 'received':
    case 'probe':
    case 'probe-reply':
      if (!isId(h.id)) return fail(`${type}: bad id`);
      return ok({ type, id: h.id });
    case 'hello':
      if (!Number.isInteger(h.protocol)) return fail('hello: bad protocol');
      if (!isStr(h.publicUrl)) return fail('hello: bad publicUrl');
      return ok({
        type,
        protocol: h.protocol as number,
        publicUrl: h.publicUrl,
        queued: isNum(h.queued) ? h.queued : 0,
        ...(h.ackInResponse === true ? { ackInResponse: true } : {}),
        ...(h.compactFrames === true ? { compactFrames: true } : {}),
      });
    default:
      return ok({ type: 'unknown', rawType: type.slice(0, 100) });
  }
}

function ok(frame: Frame): DecodeResult {
  return { ok: true, frame };
}
function fail(error: string): DecodeResult {
  return { ok: false, error };
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStr(v: unknown): v is string {
  return typeof v === 'string';
}
function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 200;
}
function isHeaderList(v: unknown): v is HeaderList {
  if (!Array.isArray(v)) return false;
  for (const p of v as unknown[])
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string') return false;
  return true;
}
