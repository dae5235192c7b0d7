/**
 * What the relay's logic (hub, sessions, ingress) asks of its shared state: the queue of unacked requests per
 * channel, the set of known channels, one lease per channel, and messages between instances. Two backends:
 * the embedded SQLite queue (one process, the default) and Redis (several instances behaving as one).
 */
import type { Answer, HeaderList } from '../core/types.js';

export interface QueuedRequest {
  /**
   * Arrival order within the channel. SQLite: one counter for the file (gaps between a channel's rows);
   * Redis: one counter per channel, so a channel's seqs are contiguous.
   */
  seq: number;
  id: string;
  channel: string;
  method: string;
  /** Path and query as sent, without the `/<channel>` prefix. */
  path: string;
  /** The public URL the sender used: scheme, host, `/<channel>`, path and query (Twilio and Square sign it). */
  url: string;
  headers: HeaderList;
  body: Buffer;
  receivedAt: number;
  remoteAddr: string;
  httpVersion: string;
  /** Instance whose sender waits for the answer ('' when nobody waits, e.g. rows read back after a restart). */
  replyTo: string;
}

/** A request as ingress hands it to the store: `seq` is assigned there (the store may set it on this object). */
export type NewQueuedRequest = Omit<QueuedRequest, 'seq'> & { seq?: number };

export interface Depth {
  count: number;
  bytes: number;
}

export type EnqueueResult =
  /** `listeners`: instances subscribed to the channel's wake-up (a client connected somewhere); null when unknown. */
  | { ok: true; seq: number; listeners: number | null }
  | { ok: false; reason: 'full' | 'unavailable' };

/** Who holds a channel: one client, through one instance, under a fencing epoch. */
export interface LeaseHolder {
  instance: string;
  clientId: string;
  tokenIndex: number;
  epoch: number;
}

export type ClaimResult =
  /** `takenFrom`: the instance the same client held the channel through before ('' when the lease was free). */
  | { kind: 'granted'; epoch: number; takenFrom: string }
  | { kind: 'held'; holder: LeaseHolder }
  | { kind: 'unavailable' };

/** Lease renewal: kept, lost to someone else (stop sending), or unknown (store unreachable). */
export type RenewResult = 'kept' | 'lost' | 'unknown';

/** Messages from one instance to another (Redis: the receiver's reply channel). */
export type InstanceMessage =
  /** The client received a request frame this instance's sender waits on. */
  | { kind: 'received'; id: string }
  /** The client committed it. */
  | { kind: 'acked'; id: string }
  | { kind: 'answer'; id: string; answer: Answer }
  /** The client went away before answering. */
  | { kind: 'gone'; id: string; acked: boolean }
  /** Your lease on this channel was taken over (the same client reconnected elsewhere): drop the socket. */
  | { kind: 'revoke'; channel: string; epoch: number }
  /** Another client wants this channel: is the holder alive? Answer with `check-result` to `from`. */
  | { kind: 'check'; channel: string; from: string }
  | { kind: 'check-result'; channel: string; alive: boolean };

export interface StoreHandlers {
  /** A request was queued on a channel this instance watches. */
  onWake(channel: string, seq: number): void;
  onMessage(message: InstanceMessage): void;
  /** Store reachability changed (Redis down / back). */
  onAvailability(available: boolean, detail: string): void;
}

export interface RelayStore {
  readonly instanceId: string;
  /** True when several instances share this store (Redis). */
  readonly shared: boolean;
  /** Whether the store can keep promises right now. */
  readonly available: boolean;
  /** Connect and subscribe. Throws ConfigError when the store cannot be used at all. */
  start(handlers: StoreHandlers): Promise<void>;
  /** Synchronous when the answer is at hand (SQLite, a channel already seen): no promise on the request path. */
  isKnownChannel(channel: string): boolean | Promise<boolean>;
  touchChannel(channel: string, now: number): Promise<void>;
  /**
   * Queue a request (caps enforced here); on Redis also wakes the instance holding the channel. Synchronous for
   * SQLite. The store may keep `row` itself (not a copy) and set its `seq`: the caller hands it over.
   */
  enqueue(row: NewQueuedRequest): EnqueueResult | Promise<EnqueueResult>;
  /** Forget a request the client committed. Scoped by channel. */
  ack(channel: string, id: string): void;
  /**
   * Unacked requests after `afterSeq`, oldest first, at most `limit` (and a byte budget). `epoch` fences the read:
   * a holder whose lease was taken over gets an error instead of rows.
   */
  pending(channel: string, afterSeq: number, limit: number, epoch: number): Promise<QueuedRequest[]>;
  /** Resolves once every request queued so far is durable (true), or could not be made so (false). */
  durable(): Promise<boolean>;
  depth(channel: string): Promise<Depth>;
  /** Depths of these channels (the ones this instance reports). */
  depths(channels: string[]): Promise<Array<[string, Depth]>>;
  claim(channel: string, clientId: string, tokenIndex: number): Promise<ClaimResult>;
  renew(channel: string, holder: LeaseHolder): Promise<RenewResult>;
  release(channel: string, holder: LeaseHolder): void;
  /** Start / stop receiving wake-ups for a channel (while a client holds it here). */
  watch(channel: string): void;
  unwatch(channel: string): void;
  send(instance: string, message: InstanceMessage): void;
  close(): Promise<void>;
}
