import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type Frame } from '../../src/tunnel/protocol.js';
import { CONNECT_PATH } from './tunnel.js';

export interface FakeRelayOptions {
  /** Extra fields in the hello's JSON header (e.g. what a newer or older relay offers). */
  hello?: Record<string, unknown>;
  /** False: pings go unanswered, as from a relay that hangs. */
  autoPong?: boolean;
}

/** A hand-written "relay" (a real ws server) that a test controls frame by frame: it records what the client sends. */
export async function startFakeRelay(opts: FakeRelayOptions = {}) {
  const received: Frame[] = [];
  /** Every message as it came, bad frames included (so not index for index with `received`): which form the client wrote. */
  const receivedRaw: Buffer[] = [];
  /** The upgrade request headers of each connection. */
  const upgrades: IncomingHttpHeaders[] = [];
  const sockets: WebSocket[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: opts.autoPong ?? true, perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  wss.on('connection', (ws, req) => {
    sockets.push(ws);
    upgrades.push(req.headers);
    ws.on('message', (d) => {
      receivedRaw.push(d as Buffer);
      const r = decodeFrame(d as Buffer);
      if (r.ok) received.push(r.frame);
    });
    ws.send(helloFrame(`http://127.0.0.1:${port}/fake`, opts.hello ?? {}));
  });
  return {
    connectUrl: `ws://127.0.0.1:${port}${CONNECT_PATH}`,
    received,
    receivedRaw,
    upgrades,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of wss.clients) s.terminate();
        wss.close(() => r());
      }),
  };
}

/** The hello, with extra fields spliced into its JSON header as a relay would write them. */
function helloFrame(publicUrl: string, extra: Record<string, unknown>): Buffer {
  const frame = encodeFrame({ type: 'hello', protocol: 1, publicUrl, queued: 0 });
  if (Object.keys(extra).length === 0) return frame;
  const head = JSON.parse(frame.subarray(4).toString()) as Record<string, unknown>;
  const json = Buffer.from(JSON.stringify({ ...head, ...extra }));
  const out = Buffer.alloc(4 + json.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  return out;
}

/** A relayed POST /x of one byte, as a relay would frame it (`compact`: in the compact form). */
export function relayedRequestFrame(id: string, compact = false): Buffer {
  return encodeFrame(
    { type: 'request', id, method: 'POST', path: '/x', url: '', headers: [], receivedAt: 1, remoteAddr: '1.2.3.4', httpVersion: '1.1', body: Buffer.from('b') },
    0,
    compact,
  );
}
