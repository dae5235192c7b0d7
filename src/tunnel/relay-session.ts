/**
 * One connected client on the relay side: sends request frames in queue order, passes the client's receipts and
 * answers to whichever instance's sender waits for them, and decides quickly when the socket is dead (no receipt
 * for a frame) so senders never hang on it.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, PROTOCOL_VERSION, type HelloFrame } from './protocol.js';
import type { RelayLog } from './relay-events.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { ReplyRouter } from './relay-router.js';
import type { InstanceMessage, LeaseHolder, QueuedRequest, RelayStore } from './relay-store.js';
import { timerDelay } from '../core/timer-delay.js';
import { withoutChannel, type ChannelTag } from './channel-tag.js';
import { WS_HEADER_MAX, writeBinaryFrameHeader } from './ws-frame.js';
import { IdMap } from '../core/id-map.js';

export interface SessionOptions {
  channel: string;
  /** What the log says instead of `channel` (a channel name is a secret). */
  tag: ChannelTag;
  lease: LeaseHolder;
  remoteAddr: string;
  publicUrl: string;
  store: RelayStore;
  router: ReplyRouter;
  metrics: RelayMetrics;
  /** A sent frame with no `received` in this time means the client is gone. */
  receiptTimeoutMs: number;
  probeTimeoutMs: number;
  log: RelayLog;
  now: () => number;
  /** Called once when the session ends, whatever the cause. */
  onClose: (session: ClientSession) => void;
  /** The upgraded TCP/TLS socket under `ws`: request frames of one event-loop turn are written with one call. */
  socket?: Duplex;
  /** The client asked for compact request frames (`X-Hookdev-Frames: compact`); the hello says they are on. */
  compactFrames?: boolean;
}

interface Inflight {
  /** Monotonic ms by which a receipt must have come; 0 once it has. Checked by the session's receipt sweep. */
  receiptBy: number;
  /** Instance whose sender waits ('' or this one: looked up locally by id). */
  replyTo: string;
  acked: boolean;
}

/** Frames larger than this get one more second of receipt allowance per MB (slow uplinks). */
const BYTES_PER_EXTRA_SECOND = 1_000_000;
const PAGE = 50;
const SEND_BINARY = { binary: true } as const;
/** WebSocket.OPEN (the class is not imported here: only its type). */
const WS_OPEN = 1;
/** After a failed queue read (store unreachable) the pump tries again this much later. */
const RETRY_READ_MS = 500;
/** The receipt sweep runs this often, as a fraction of the receipt timeout: a dead socket is noticed within 1.25x. */
const SWEEPS_PER_TIMEOUT = 4;
const monotonic = (): number => performance.now();

export class ClientSession {
  /** Set false at each heartbeat ping; any pong or frame sets it back. */
  alive = true;
  /** Last pong or frame from the client (epoch ms). */
  lastSeen: number;
  closed = false;
  /** Ids sent on this socket and not yet answered. */
  private readonly inflight = new IdMap<Inflight>();
  private readonly probes = new Map<string, (ok: boolean) => void>();
  private readonly pongWaiters = new Set<() => void>();
  /** Highest queue seq sent on this socket: frames go out in arrival order. */
  private lastSentSeq = 0;
  private pumping = false;
  private repump = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** One timer per session for every frame's receipt deadline, instead of a timer per frame. */
  private sweepTimer: NodeJS.Timeout | null = null;
  private corked = false;
  private started = false;
  /** When this client connected: rows received earlier are a backlog. */
  private readonly openedAt: number;

  constructor(
    readonly ws: WebSocket,
    readonly o: SessionOptions,
  ) {
    this.lastSeen = o.now();
    this.openedAt = this.lastSeen;
    ws.on('message', (data) => this.onMessage(data as Buffer));
    ws.on('pong', () => {
      this.seen();
      for (const w of [...this.pongWaiters]) w();
    });
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => this.o.log({ event: 'client-error', channel: o.tag, error: withoutChannel(err.message, o.channel, o.tag) }));
  }

  get channel(): string {
    return this.o.channel;
  }

  get tag(): ChannelTag {
    return this.o.tag;
  }

  get clientId(): string {
    return this.o.lease.clientId;
  }

  get epoch(): number {
    return this.o.lease.epoch;
  }

  /** Greet the client and deliver whatever waited in the queue. */
  async start(): Promise<void> {
    let queued = 0;
    try {
      queued = (await this.o.store.depth(this.o.channel)).count;
    } catch {
      // The count is informative only; delivery below reads the queue itself.
    }
    if (this.closed) return;
    const hello: HelloFrame = { type: 'hello', protocol: PROTOCOL_VERSION, publicUrl: this.o.publicUrl, queued, ackInResponse: true };
    if (this.o.compactFrames) hello.compactFrames = true;
    this.ws.send(encodeFrame(hello), { binary: true });
    this.started = true;
    void this.pump();
  }

  /** A request queued on this instance for this channel: send it (fast path) or let the pump find it. */
  dispatch(row: QueuedRequest): void {
    if (this.closed) return;
    // Fast path: nothing older is waiting to go out, send the row we hold instead of re-reading it. With a shared
    // store, other instances queue too: only the very next seq of the channel is known to have nothing before it.
    const next = this.o.store.shared ? row.seq === this.lastSentSeq + 1 : row.seq > this.lastSentSeq;
    if (this.started && !this.pumping && next) this.sendRow(row, null);
    else void this.pump();
  }

  /** The store says a request with this seq was queued (possibly through another instance). */
  wake(seq: number): void {
    if (!this.closed && this.started && seq > this.lastSentSeq) void this.pump();
  }

  /** End-to-end probe: true if the client echoed it in time. */
  probe(nonce: string): Promise<boolean> {
    if (this.closed || this.probes.has(nonce)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), this.o.probeTimeoutMs);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.probes.delete(nonce);
        resolve(ok);
      };
      this.probes.set(nonce, done);
      this.ws.send(encodeFrame({ type: 'probe', id: nonce }), { binary: true }, (err) => {
        if (err) done(false);
      });
    });
  }

  /**
   * Is the client still there? Asked with a ping even when it spoke a moment ago: a process frozen just now
   * (SIGSTOP, a laptop lid) spoke a moment ago too.
   */
  checkAlive(withinMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.pongWaiters.delete(onPong);
        resolve(ok);
      };
      const onPong = (): void => done(true);
      const timer = setTimeout(() => done(false), withinMs);
      this.pongWaiters.add(onPong);
      try {
        this.ws.ping();
      } catch {
        done(false);
      }
    });
  }

  /** Drop the client now: pending senders hear `gone`, their rows stay queued. */
  terminate(reason: string): void {
    if (this.closed) return;
    this.o.log({ event: 'client-terminated', channel: this.o.tag, reason });
    this.ws.terminate();
    this.onClosed();
  }

  /** Polite close (relay shutdown). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
  }

  /** Send queued rows after `lastSentSeq`, page by page, waiting for each page to hit the socket. */
  private async pump(): Promise<void> {
    if (!this.started) return; // start() pumps once the hello is out: no request frame goes before it
    if (this.pumping) {
      this.repump = true; // something was queued while this pass was reading: read once more before stopping
      return;
    }
    this.pumping = true;
    try {
      for (;;) {
        this.repump = false;
        if (this.closed) return;
        let rows: QueuedRequest[];
        try {
          rows = await this.o.store.pending(this.o.channel, this.lastSentSeq, PAGE, this.o.lease.epoch);
        } catch (err) {
          if ((err as Error).message.includes('FENCED')) {
            this.o.log({ event: 'lease-lost', channel: this.o.tag, reason: 'fenced: another instance holds the channel' });
            this.terminate('lease lost');
            return;
          }
          this.o.metrics.countStoreError();
          this.retryTimer ??= setTimeout(() => {
            this.retryTimer = null;
            void this.pump();
          }, RETRY_READ_MS);
          return;
        }
        if (this.closed) return;
        let last: QueuedRequest | null = null;
        for (const r of rows) if (r.seq > this.lastSentSeq) last = r;
        let written: Promise<void> = Promise.resolve();
        for (const r of rows)
          if (r.seq > this.lastSentSeq) {
            if (r === last) written = new Promise((resolve) => this.sendRow(r, resolve));
            else this.sendRow(r, null);
          }
        await written; // frames on one socket are written in order: the page is out once its last frame is
        if (rows.length === 0 && !this.repump) return;
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Write one request frame. `written` (when given) is called once the frame has been handed to the socket, or has
   * failed; the live fast path passes none, saving a promise and a closure per request.
   */
  private sendRow(row: QueuedRequest, written: (() => void) | null): void {
    this.lastSentSeq = Math.max(this.lastSentSeq, row.seq);
    if (this.closed || this.inflight.has(row.id)) return void written?.();
    const frame = encodeFrame(
      {
        type: 'request',
        id: row.id,
        method: row.method,
        path: row.path,
        url: row.url,
        headers: row.headers,
        receivedAt: row.receivedAt,
        remoteAddr: row.remoteAddr,
        httpVersion: row.httpVersion,
        // Arrived before this client connected: a backlog (its sender was answered 202, or its first delivery went to
        // a client that is gone). The client forwards a backlog one at a time, in order; live rows stay concurrent.
        queued: row.receivedAt < this.openedAt,
        body: row.body,
      },
      WS_HEADER_MAX,
      this.o.compactFrames === true,
    );
    const length = frame.length - WS_HEADER_MAX;
    const allowance = this.o.receiptTimeoutMs + Math.floor(length / BYTES_PER_EXTRA_SECOND) * 1000;
    this.inflight.set(row.id, { receiptBy: monotonic() + allowance, replyTo: row.replyTo, acked: false });
    this.sweepTimer ??= setTimeout(this.sweep, this.sweepEvery);
    this.cork();
    const cb = written === null ? this.onSent : (err?: Error | null): void => (this.onSent(err), written());
    const socket = this.o.socket;
    // Open, no compression (the hub turns it off), and ws queues nothing of its own then: the frame can go straight
    // to the socket, header and payload in one buffer, in order with whatever ws writes (pings, close).
    if (socket && this.ws.readyState === WS_OPEN) {
      const start = writeBinaryFrameHeader(frame, WS_HEADER_MAX, length);
      socket.write(start === 0 ? frame : frame.subarray(start), cb);
      return;
    }
    try {
      this.ws.send(frame.subarray(WS_HEADER_MAX), SEND_BINARY, cb);
    } catch {
      this.terminate('send-failed');
      written?.();
    }
  }

  private get sweepEvery(): number {
    return Math.max(1, timerDelay(Math.floor(this.o.receiptTimeoutMs / SWEEPS_PER_TIMEOUT)));
  }

  /**
   * Frames still waiting for their receipt: one past its deadline means the socket is dead. Runs while any frame
   * waits; a timer per frame cost a timer insert and removal on every request.
   */
  private readonly sweep = (): void => {
    this.sweepTimer = null;
    if (this.closed) return;
    const now = monotonic();
    let waiting = false;
    for (const i of this.inflight.values()) {
      if (i.receiptBy === 0) continue;
      if (i.receiptBy <= now) return this.terminate('no-receipt');
      waiting = true;
    }
    if (waiting) this.sweepTimer = setTimeout(this.sweep, this.sweepEvery);
  };

  /** ws's write callback, one per session rather than a closure per frame. */
  private readonly onSent = (err?: Error | null): void => {
    if (err) this.terminate('send-failed');
  };

  /**
   * Request frames sent in one turn of the event loop (one per sender request read in it) leave in one write, not
   * one system call each; uncorked right after the poll phase, long before any receipt timeout matters.
   */
  private cork(): void {
    const socket = this.o.socket;
    if (!socket || this.corked) return;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private seen(): void {
    this.alive = true;
    this.lastSeen = this.o.now();
  }

  private onMessage(data: Buffer): void {
    this.seen();
    const r = decodeFrame(data);
    if (!r.ok) {
      this.o.log({ event: 'bad-frame', channel: this.o.tag, error: withoutChannel(r.error, this.o.channel, this.o.tag) });
      return;
    }
    const f = r.frame;
    switch (f.type) {
      case 'received':
        this.receipt(f.id);
        this.route(f.id, { kind: 'received', id: f.id });
        break;
      case 'ack':
        this.receipt(f.id);
        this.acked(f.id);
        break;
      case 'response':
        this.receipt(f.id);
        if (f.acked) this.acked(f.id); // the ack rides on the response (one frame, as if both had come in turn)
        this.route(f.id, { kind: 'answer', id: f.id, answer: { status: f.status, headers: f.headers, body: f.body } });
        this.inflight.delete(f.id);
        break;
      case 'probe-reply':
        this.probes.get(f.id)?.(true);
        break;
      case 'request':
      case 'hello':
      case 'probe':
      case 'unknown':
        // Relay-bound-only types, or unknown ones from a newer client: ignore.
        break;
    }
  }

  /** The client committed the request: the queue forgets it, the sender's instance hears so. */
  private acked(id: string): void {
    this.o.store.ack(this.o.channel, id);
    const i = this.inflight.get(id);
    if (i) i.acked = true;
    this.route(id, { kind: 'acked', id });
  }

  /** Tell the sender's instance: this one (by id), or the one named in the row. */
  private route(id: string, m: InstanceMessage): void {
    if (this.o.router.has(id)) return this.o.router.deliver(m);
    const replyTo = this.inflight.get(id)?.replyTo ?? '';
    if (replyTo === '' || replyTo === this.o.store.instanceId) return;
    if (m.kind === 'answer') this.o.metrics.countHandoff();
    this.o.store.send(replyTo, m);
  }

  private receipt(id: string): void {
    const i = this.inflight.get(id);
    if (i) i.receiptBy = 0;
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    for (const [id, i] of [...this.inflight]) this.route(id, { kind: 'gone', id, acked: i.acked });
    this.inflight.clear();
    for (const done of [...this.probes.values()]) done(false);
    this.o.onClose(this);
  }
}
