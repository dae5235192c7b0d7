/**
 * The relay's WebSocket side: authenticates upgrades, enforces one client per channel,
 * keeps the channel -> session map and the heartbeat.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from './ws.js';
import { bearerToken, matchToken } from './auth.js';
import { channelProblem } from './channel.js';
import { CONNECT_PATH, H_CHANNEL, H_CLIENT_ID, H_PROTOCOL, H_PUBLIC_URL, PROTOCOL_VERSION } from './protocol.js';
import type { FailureLimiter } from './rate-limit.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { RelayQueue } from './relay-queue.js';
import { ClientSession } from './relay-session.js';

export interface HubOptions {
  tokens: readonly string[];
  publicUrl: string;
  queue: RelayQueue;
  metrics: RelayMetrics;
  authFailures: FailureLimiter;
  maxPayload: number;
  receiptTimeoutMs: number;
  responseTimeoutMs: number;
  probeTimeoutMs: number;
  remoteAddr: (req: IncomingMessage) => string;
  log: (event: object) => void;
  now: () => number;
}

export class RelayHub {
  private readonly sessions = new Map<string, ClientSession>();
  private readonly wss: WebSocketServer;
  private closing = false;

  constructor(private readonly o: HubOptions) {
    // perMessageDeflate off: bodies are often already compressed, and it costs memory per socket.
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: o.maxPayload,
    });
    this.wss.on('headers', (headers, req) => {
      headers.push(`X-Hookdev-Public-Url: ${this.channelUrl(String(req.headers[H_CHANNEL]))}`);
      headers.push(`X-Hookdev-Protocol: ${PROTOCOL_VERSION}`);
    });
  }

  /** The live session of a channel, if any. */
  current(channel: string): ClientSession | undefined {
    const s = this.sessions.get(channel);
    return s && !s.closed ? s : undefined;
  }

  get connectedClients(): number {
    return this.sessions.size;
  }

  channelUrl(channel: string): string {
    return `${this.o.publicUrl}/${channel}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {}); // a reset during the handshake must not crash the relay
    const now = this.o.now();
    const addr = this.o.remoteAddr(req);
    const path = (req.url ?? '').split('?')[0];
    if (path !== CONNECT_PATH) return refuse(socket, 404, 'not found');
    if (this.closing) return refuse(socket, 503, 'relay is shutting down');
    if (this.o.authFailures.blocked(addr, now))
      return refuse(socket, 429, 'too many failed attempts', {
        'Retry-After': String(this.o.authFailures.retryAfterSec(addr, now)),
      });

    const token = bearerToken(header(req, 'authorization'));
    const tokenIndex = token === null ? -1 : matchToken(token, this.o.tokens);
    if (tokenIndex < 0) {
      this.o.authFailures.fail(addr, now);
      this.o.metrics.countAuthFailure();
      this.o.log({ event: 'auth-failed', remoteAddr: addr, reason: token === null ? 'missing token' : 'wrong token' });
      return refuse(socket, 401, 'missing or wrong token', { 'WWW-Authenticate': 'Bearer' });
    }

    const version = header(req, H_PROTOCOL);
    if (version !== String(PROTOCOL_VERSION))
      return refuse(
        socket,
        426,
        `protocol version ${version ?? '(none)'} not supported; this relay speaks ${PROTOCOL_VERSION}`,
        { 'X-Hookdev-Protocol': String(PROTOCOL_VERSION) },
      );

    const channel = header(req, H_CHANNEL) ?? '';
    const problem = channelProblem(channel);
    if (problem) return refuse(socket, 400, problem);

    const clientId = (header(req, H_CLIENT_ID) ?? '').slice(0, 100);
    const existing = this.current(channel);
    if (existing) {
      // The same client reconnecting after a blip the relay has not noticed yet: the new socket wins.
      if (clientId !== '' && existing.o.clientId === clientId && existing.o.tokenIndex === tokenIndex)
        existing.terminate('replaced by a reconnect of the same client');
      else return refuse(socket, 409, `channel "${channel}" is already claimed by another client`);
    }

    // Synchronous with perMessageDeflate off: no other claim can slip in before the callback.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ClientSession(ws, {
        channel,
        clientId,
        tokenIndex,
        remoteAddr: addr,
        publicUrl: this.channelUrl(channel),
        queue: this.o.queue,
        receiptTimeoutMs: this.o.receiptTimeoutMs,
        responseTimeoutMs: this.o.responseTimeoutMs,
        probeTimeoutMs: this.o.probeTimeoutMs,
        log: this.o.log,
        socket,
        onClose: (s) => {
          if (this.sessions.get(s.channel) === s) this.sessions.delete(s.channel);
          this.o.log({ event: 'client-disconnected', channel: s.channel });
        },
      });
      this.sessions.set(channel, session);
      this.o.queue.touchChannel(channel, now);
      this.o.log({ event: 'client-connected', channel, remoteAddr: addr });
      session.start();
    });
  }

  /** One heartbeat tick: drop clients that did not pong since the last tick, ping the rest. */
  heartbeat(): void {
    for (const s of [...this.sessions.values()]) {
      if (!s.alive) {
        s.terminate('heartbeat timeout');
        continue;
      }
      s.alive = false;
      try {
        s.ws.ping();
      } catch {
        s.terminate('ping failed');
      }
    }
  }

  /** Stop accepting clients and close the ones connected; resolves once they are gone (or after `graceMs`). */
  async closeAll(graceMs: number): Promise<void> {
    this.closing = true;
    const open = [...this.sessions.values()];
    for (const s of open) s.close(1001, 'relay shutting down');
    const deadline = Date.now() + graceMs;
    while (open.some((s) => !s.closed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const s of open) s.terminate('relay shutting down');
    this.wss.close();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Answer an upgrade with a plain HTTP error (the client reads status and JSON message). */
function refuse(socket: Duplex, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
  ];
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
