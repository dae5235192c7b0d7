/**
 * The relay's WebSocket side: authenticates upgrades, enforces one client per channel through the store's lease
 * (cluster-wide with a shared store), keeps the channel -> session map, the heartbeat and the lease renewals,
 * and checks a silent holder when another client asks for its channel.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from './ws.js';
import { bearerToken, matchToken } from './auth.js';
import { channelProblem } from './channel.js';
import { withoutChannel, type ChannelTags } from './channel-tag.js';
import { COMPACT_FRAMES, CONNECT_PATH, H_CHANNEL, H_CLIENT_ID, H_FRAMES, H_HOLDER_CHECK, H_PROTOCOL, PROTOCOL_VERSION } from './protocol.js';
import type { FailureLimiter } from './rate-limit.js';
import type { RelayLog } from './relay-events.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { ReplyRouter } from './relay-router.js';
import type { InstanceMessage, LeaseHolder, RelayStore } from './relay-store.js';
import { ClientSession } from './relay-session.js';

export interface HubOptions {
  tokens: readonly string[];
  publicUrl: string;
  store: RelayStore;
  router: ReplyRouter;
  metrics: RelayMetrics;
  authFailures: FailureLimiter;
  maxPayload: number;
  receiptTimeoutMs: number;
  probeTimeoutMs: number;
  /** How long a holder gets to answer a ping when another client asks for its channel. */
  holderCheckMs: number;
  /** Lease time to live in the store; renewed every third of it while the socket lives. */
  leaseTtlMs: number;
  remoteAddr: (req: IncomingMessage) => string;
  /** Channel tags for the log (never a channel name there). */
  tags: ChannelTags;
  log: RelayLog;
  now: () => number;
}

/** The running or last check of a channel's holder (a later claim by another client reads it). */
interface HolderCheck {
  epoch: number;
  state: 'pending' | 'alive' | 'dead';
  at: number;
  result: Promise<boolean>;
}

/** A live holder answers a ping in milliseconds: a conflicting claim waits this long for a clear answer. */
const QUICK_CHECK_MS = 500;
/** How long an "alive" verdict stands before a new claim pings the holder again. */
const ALIVE_MEMO_MS = 1000;

export class RelayHub {
  private readonly sessions = new Map<string, ClientSession>();
  /** Last time each session's lease was confirmed by the store. */
  private readonly renewedAt = new WeakMap<ClientSession, number>();
  private readonly checks = new Map<string, HolderCheck>();
  /** Checks asked of other instances, by channel: resolved by their `check-result`. */
  private readonly remoteChecks = new Map<string, (alive: boolean) => void>();
  private readonly wss: WebSocketServer;
  private readonly renewTimer: NodeJS.Timeout | null;
  private closing = false;
  private readonly closedWaiters = new Set<() => void>();

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
    this.renewTimer = o.store.shared ? setInterval(() => this.renewLeases(), Math.max(50, Math.floor(o.leaseTtlMs / 3))) : null;
    this.renewTimer?.unref();
  }

  /** The live session of a channel on this instance, if any. */
  current(channel: string): ClientSession | undefined {
    const s = this.sessions.get(channel);
    return s && !s.closed ? s : undefined;
  }

  get connectedClients(): number {
    return this.sessions.size;
  }

  /** Channels whose client is connected here (and whose lease this instance holds). */
  channels(): string[] {
    return [...this.sessions.keys()];
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
      this.o.log({ event: 'auth-failed', remoteAddr: addr, reason: token === null ? 'missing token' : 'wrong token', where: 'connect' });
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
    const compactFrames = (header(req, H_FRAMES) ?? '').split(',').some((form) => form.trim() === COMPACT_FRAMES);
    void this.claimAndUpgrade(req, socket, head, { channel, clientId, tokenIndex, addr, compactFrames }).catch((err: unknown) => {
      this.o.log({ event: 'error', where: 'upgrade', error: withoutChannel((err as Error).message, channel, this.o.tags.of(channel)) });
      refuse(socket, 500, 'internal error');
    });
  }

  private async claimAndUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    c: { channel: string; clientId: string; tokenIndex: number; addr: string; compactFrames: boolean },
  ): Promise<void> {
    const { store } = this.o;
    const claim = await store.claim(c.channel, c.clientId, c.tokenIndex).catch(() => ({ kind: 'unavailable' as const }));
    if (claim.kind === 'unavailable') {
      this.o.metrics.countStoreError();
      return refuse(socket, 503, 'the relay cannot reach its store; try again shortly', { 'Retry-After': '2' });
    }
    if (claim.kind === 'held') return void (await this.refuseHeld(socket, c.channel, claim.holder));
    const lease: LeaseHolder = { instance: store.instanceId, clientId: c.clientId, tokenIndex: c.tokenIndex, epoch: claim.epoch };
    if (socket.destroyed || this.closing) {
      store.release(c.channel, lease);
      return socket.destroyed ? undefined : refuse(socket, 503, 'relay is shutting down');
    }
    // The same client reconnecting after a blip the relay has not noticed yet, here or through another instance:
    // the new socket wins.
    const previous = this.current(c.channel);
    if (previous) previous.terminate('replaced by a reconnect of the same client');
    const tag = this.o.tags.of(c.channel);
    if (claim.takenFrom !== '' && claim.takenFrom !== store.instanceId) {
      this.o.metrics.countLeaseTakeover();
      this.o.log({ event: 'lease-takeover', channel: tag, from: claim.takenFrom });
      store.send(claim.takenFrom, { kind: 'revoke', channel: c.channel, epoch: claim.epoch });
    }
    this.checks.delete(c.channel);

    // Synchronous with perMessageDeflate off: no other claim can slip in before the callback.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ClientSession(ws, {
        channel: c.channel,
        tag,
        lease,
        remoteAddr: c.addr,
        publicUrl: this.channelUrl(c.channel),
        store,
        router: this.o.router,
        metrics: this.o.metrics,
        receiptTimeoutMs: this.o.receiptTimeoutMs,
        probeTimeoutMs: this.o.probeTimeoutMs,
        log: this.o.log,
        now: this.o.now,
        socket,
        compactFrames: c.compactFrames,
        onClose: (s) => this.onSessionClosed(s),
      });
      this.sessions.set(c.channel, session);
      this.renewedAt.set(session, this.o.now());
      store.watch(c.channel);
      void store.touchChannel(c.channel, this.o.now()).catch(() => this.o.metrics.countStoreError());
      this.o.log({ event: 'client-connected', channel: tag, remoteAddr: c.addr, epoch: claim.epoch });
      void session.start();
    });
  }

  private onSessionClosed(s: ClientSession): void {
    if (this.sessions.get(s.channel) === s) {
      this.sessions.delete(s.channel);
      this.o.store.unwatch(s.channel);
    }
    this.o.store.release(s.channel, s.o.lease);
    this.o.log({ event: 'client-disconnected', channel: s.tag });
    if (this.sessions.size === 0) for (const w of [...this.closedWaiters]) w();
  }

  /**
   * Another client holds the channel. Its holder is pinged (here, or by the instance holding it): a live holder
   * answers within milliseconds and the asking client is refused (409). A holder that does not answer at once may
   * be frozen: the asking client is told to wait (409 + `X-Hookdev-Holder-Check: pending` + Retry-After); if the
   * holder stays silent it is dropped, its lease freed, and the next attempt gets the channel.
   */
  private async refuseHeld(socket: Duplex, channel: string, holder: LeaseHolder): Promise<void> {
    const now = this.o.now();
    let c = this.checks.get(channel);
    const stale =
      !c ||
      c.epoch !== holder.epoch ||
      c.state === 'dead' ||
      (c.state === 'alive' && now - c.at > ALIVE_MEMO_MS) ||
      (c.state === 'pending' && now - c.at > 2 * this.o.holderCheckMs + 1000);
    if (stale) {
      const check: HolderCheck = { epoch: holder.epoch, state: 'pending', at: now, result: this.startCheck(channel, holder) };
      void check.result.then((alive) => {
        check.state = alive ? 'alive' : 'dead';
        check.at = this.o.now();
      });
      this.checks.set(channel, check);
      c = check;
    }
    let timer: NodeJS.Timeout | undefined;
    const quick = await Promise.race([
      c!.result,
      new Promise<null>((r) => (timer = setTimeout(() => r(null), QUICK_CHECK_MS))),
    ]);
    clearTimeout(timer);
    if (quick === true) return refuse(socket, 409, `channel "${channel}" is already claimed by another client`);
    // Dropped just now (try again at once), or still being checked.
    this.refuseWaiting(socket, channel, quick === false ? 1 : Math.max(1, Math.ceil(this.o.holderCheckMs / 1000)));
  }

  private refuseWaiting(socket: Duplex, channel: string, retryAfterSec: number): void {
    refuse(
      socket,
      409,
      `channel "${channel}" is held by a client that does not answer; waiting to see whether it is still there`,
      { 'Retry-After': String(retryAfterSec), [H_HOLDER_CHECK]: 'pending' },
    );
  }

  /** Ping the holder, here or through its instance; resolves true when it answered in time. */
  private startCheck(channel: string, holder: LeaseHolder): Promise<boolean> {
    if (holder.instance === this.o.store.instanceId) return this.checkHolder(channel);
    this.o.store.send(holder.instance, { kind: 'check', channel, from: this.o.store.instanceId });
    return new Promise((resolve) => {
      // A silent instance (dead or frozen itself): its lease expires by itself; until then the answer is "wait".
      const timer = setTimeout(() => done(false), 2 * this.o.holderCheckMs);
      const done = (alive: boolean): void => {
        clearTimeout(timer);
        this.remoteChecks.delete(channel);
        resolve(alive);
      };
      this.remoteChecks.get(channel)?.(false);
      this.remoteChecks.set(channel, done);
    });
  }

  /** Ping this instance's holder of the channel; drop it (freeing the lease) when it does not answer in time. */
  private async checkHolder(channel: string): Promise<boolean> {
    const session = this.current(channel);
    if (!session) return false;
    const alive = await session.checkAlive(this.o.holderCheckMs);
    this.o.log({ event: 'holder-check', channel: session.tag, alive });
    if (!alive) session.terminate('did not answer a ping while another client asked for its channel');
    return alive;
  }

  /** Channel-level messages from other instances. */
  onMessage(m: InstanceMessage): void {
    switch (m.kind) {
      case 'revoke': {
        const s = this.current(m.channel);
        if (s && s.epoch < m.epoch) {
          this.o.log({ event: 'lease-lost', channel: s.tag, reason: 'the client reconnected through another instance' });
          s.terminate('taken over through another instance');
        }
        return;
      }
      case 'check': {
        // Nothing held here (a stale lease): "not alive"; the lease then expires by itself.
        void this.checkHolder(m.channel).then((alive) =>
          this.o.store.send(m.from, { kind: 'check-result', channel: m.channel, alive }),
        );
        return;
      }
      case 'check-result':
        this.remoteChecks.get(m.channel)?.(m.alive);
        return;
      case 'received':
      case 'acked':
      case 'answer':
      case 'gone':
        this.o.router.deliver(m);
        return;
    }
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

  /**
   * Compare-and-renew every lease held here. Lost (another instance took the channel): stop sending at once.
   * Unknown (store unreachable): keep serving until the lease would have expired, then stop too, since another
   * instance may have taken the channel after that.
   */
  private renewLeases(): void {
    for (const s of [...this.sessions.values()]) {
      void this.o.store.renew(s.channel, s.o.lease).then((r) => {
        if (s.closed) return;
        const now = this.o.now();
        if (r === 'kept') return void this.renewedAt.set(s, now);
        if (r === 'lost') {
          this.o.log({ event: 'lease-lost', channel: s.tag, reason: 'another instance holds the channel' });
          return s.terminate('lease lost');
        }
        this.o.metrics.countStoreError();
        if (now - (this.renewedAt.get(s) ?? now) > this.o.leaseTtlMs) {
          this.o.log({ event: 'lease-lost', channel: s.tag, reason: 'expired while the store was unreachable' });
          s.terminate('lease expired');
        }
      });
    }
  }

  /** Stop accepting clients and close the ones connected; resolves once they are gone (or after `graceMs`). */
  async closeAll(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    const open = [...this.sessions.values()];
    for (const s of open) s.close(1001, 'relay shutting down');
    if (this.sessions.size > 0) {
      let done!: () => void;
      const allClosed = new Promise<void>((r) => (done = r));
      this.closedWaiters.add(done);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allClosed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      this.closedWaiters.delete(done);
    }
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
