/**
 * One connected client on the relay side: sends request frames in queue order, matches answers by id,
 * and decides quickly when the socket is dead (no receipt for a frame) so senders never hang on it.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Answer } from '../core/types.js';
import { decodeFrame, encodeFrame, PROTOCOL_VERSION } from './protocol.js';
import type { QueuedRequest, RelayQueue } from './relay-queue.js';

export type DispatchOutcome =
  | { kind: 'answer'; answer: Answer }
  /** Connected, but no answer in time. `acked`: the client committed it anyway. */
  | { kind: 'timeout'; acked: boolean }
  /** The client went away before answering; unless `acked`, the request is still queued. */
  | { kind: 'gone'; acked: boolean };

export interface SessionOptions {
  channel: string;
  clientId: string;
  tokenIndex: number;
  remoteAddr: string;
  publicUrl: string;
  queue: RelayQueue;
  /** A sent frame with no `received` in this time means the client is gone. */
  receiptTimeoutMs: number;
  responseTimeoutMs: number;
  probeTimeoutMs: number;
  log: (event: object) => void;
  /** Called once when the session ends, whatever the cause. */
  onClose: (session: ClientSession) => void;
  /** The upgraded TCP/TLS socket under `ws`: request frames of one event-loop turn are written with one call. */
  socket?: Duplex;
}

interface Waiter {
  resolve: (o: DispatchOutcome) => void;
  timer: NodeJS.Timeout;
  acked: boolean;
}

/** Frames larger than this get one more second of receipt allowance per MB (slow uplinks). */
const BYTES_PER_EXTRA_SECOND = 1_000_000;
const PAGE = 50;

export class ClientSession {
  /** Set false at each heartbeat ping; any pong or frame sets it back. */
  alive = true;
  closed = false;
  /** Senders waiting for the client's answer, by relay id. */
  private readonly waiters = new Map<string, Waiter>();
  /** Ids sent on this socket and not yet acked; the timer runs until the `received` receipt. */
  private readonly inflight = new Map<string, NodeJS.Timeout | null>();
  private readonly probes = new Map<string, (ok: boolean) => void>();
  /** Highest queue seq sent on this socket: frames go out in arrival order. */
  private lastSentSeq = 0;
  private pumping = false;
  private corked = false;

  constructor(
    readonly ws: WebSocket,
    readonly o: SessionOptions,
  ) {
    ws.on('message', (data) => this.onMessage(data as Buffer));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => this.o.log({ event: 'client-error', channel: o.channel, error: err.message }));
  }

  get channel(): string {
    return this.o.channel;
  }

  /** Greet the client and deliver whatever waited in the queue. */
  start(): void {
    const queued = this.o.queue.depth(this.o.channel).count;
    this.ws.send(
      encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, publicUrl: this.o.publicUrl, queued }),
      { binary: true },
    );
    void this.pump();
  }

  /** Send a request that is already in the queue, and wait for the client's answer. */
  dispatch(row: QueuedRequest): Promise<DispatchOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'gone', acked: false });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const w = this.waiters.get(row.id);
        this.settle(row.id, { kind: 'timeout', acked: w?.acked ?? false });
      }, this.o.responseTimeoutMs);
      this.waiters.set(row.id, { resolve, timer, acked: false });
      // Fast path: nothing older is waiting to go out, send the row we hold instead of re-reading it.
      if (!this.pumping && row.seq > this.lastSentSeq) this.sendRow(row);
      else void this.pump();
    });
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

  /** Drop the client now: answers pending senders as gone, keeps their rows queued. */
  terminate(reason: string): void {
    if (this.closed) return;
    this.o.log({ event: 'client-terminated', channel: this.o.channel, reason });
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
    if (this.pumping) return;
    this.pumping = true;
    try {
      // The read that finds nothing and the reset of `pumping` happen with no await between them,
      // so a row enqueued meanwhile is either read here or sent by dispatch's fast path.
      for (;;) {
        if (this.closed) return;
        const rows = this.o.queue.pending(this.o.channel, this.lastSentSeq, PAGE);
        if (rows.length === 0) return;
        let written: Promise<void> = Promise.resolve();
        for (const r of rows) written = this.sendRow(r);
        await written;
      }
    } finally {
      this.pumping = false;
    }
  }

  private sendRow(row: QueuedRequest): Promise<void> {
    this.lastSentSeq = Math.max(this.lastSentSeq, row.seq);
    if (this.closed || this.inflight.has(row.id)) return Promise.resolve();
    const frame = encodeFrame({
      type: 'request',
      id: row.id,
      method: row.method,
      path: row.path,
      headers: row.headers,
      receivedAt: row.receivedAt,
      remoteAddr: row.remoteAddr,
      httpVersion: row.httpVersion,
      body: row.body,
    });
    const allowance = this.o.receiptTimeoutMs + Math.floor(frame.length / BYTES_PER_EXTRA_SECOND) * 1000;
    this.inflight.set(
      row.id,
      setTimeout(() => this.terminate('no-receipt'), allowance),
    );
    this.cork();
    return new Promise((resolve) => {
      try {
        this.ws.send(frame, { binary: true }, (err) => {
          if (err) this.terminate('send-failed');
          resolve();
        });
      } catch {
        this.terminate('send-failed');
        resolve();
      }
    });
  }

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

  private onMessage(data: Buffer): void {
    this.alive = true;
    const r = decodeFrame(data);
    if (!r.ok) {
      this.o.log({ event: 'bad-frame', channel: this.o.channel, error: r.error });
      return;
    }
    const f = r.frame;
    switch (f.type) {
      case 'received':
        this.receipt(f.id);
        break;
      case 'ack': {
        this.receipt(f.id);
        this.inflight.delete(f.id);
        this.o.queue.ack(this.o.channel, f.id);
        const w = this.waiters.get(f.id);
        if (w) w.acked = true;
        break;
      }
      case 'response':
        this.receipt(f.id);
        this.settle(f.id, { kind: 'answer', answer: { status: f.status, headers: f.headers, body: f.body } });
        break;
      case 'probe-reply':
        this.probes.get(f.id)?.(true);
        break;
      default:
        // Unknown or relay-bound-only types from a newer client: ignore.
        break;
    }
  }

  private receipt(id: string): void {
    const t = this.inflight.get(id);
    if (t) {
      clearTimeout(t);
      this.inflight.set(id, null);
    }
  }

  private settle(id: string, outcome: DispatchOutcome): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    clearTimeout(w.timer);
    w.resolve(outcome);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.inflight.values()) if (t) clearTimeout(t);
    this.inflight.clear();
    for (const [id, w] of [...this.waiters]) this.settle(id, { kind: 'gone', acked: w.acked });
    for (const done of [...this.probes.values()]) done(false);
    this.o.onClose(this);
  }
}
