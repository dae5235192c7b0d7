/**
 * The single-process store: the embedded SQLite queue (relay-queue.ts) plus leases held in memory. Everything
 * is local, so there are no wake-ups and no messages between instances.
 */
import { RelayQueue, type QueueLimits } from './relay-queue.js';
import type {
  ClaimResult,
  Depth,
  EnqueueResult,
  InstanceMessage,
  LeaseHolder,
  NewQueuedRequest,
  QueuedRequest,
  RelayStore,
  RenewResult,
  StoreHandlers,
} from './relay-store.js';

export class SqliteRelayStore implements RelayStore {
  readonly shared = false;
  readonly available = true;
  private readonly queue: RelayQueue;
  private readonly leases = new Map<string, LeaseHolder>();
  private epoch = 0;

  constructor(
    dbPath: string,
    limits: QueueLimits,
    readonly instanceId = 'local',
  ) {
    this.queue = new RelayQueue(dbPath, limits);
  }

  async start(_handlers: StoreHandlers): Promise<void> {}

  isKnownChannel(channel: string): boolean {
    return this.queue.isKnownChannel(channel);
  }

  async touchChannel(channel: string, now: number): Promise<void> {
    this.queue.touchChannel(channel, now);
  }

  enqueue(row: NewQueuedRequest): EnqueueResult {
    const r = this.queue.enqueue(row);
    return r.ok ? { ok: true, seq: r.seq, listeners: null } : r;
  }

  ack(channel: string, id: string): void {
    this.queue.ack(channel, id);
  }

  async pending(channel: string, afterSeq: number, limit: number, _epoch: number): Promise<QueuedRequest[]> {
    return this.queue.pending(channel, afterSeq, limit);
  }

  durable(): Promise<boolean> {
    return this.queue.flushed();
  }

  async depth(channel: string): Promise<Depth> {
    return this.queue.depth(channel);
  }

  async depths(_channels: string[]): Promise<Array<[string, Depth]>> {
    return this.queue.depths();
  }

  async claim(channel: string, clientId: string, tokenIndex: number): Promise<ClaimResult> {
    const held = this.leases.get(channel);
    if (held && !(clientId !== '' && held.clientId === clientId && held.tokenIndex === tokenIndex))
      return { kind: 'held', holder: held };
    this.epoch += 1;
    this.leases.set(channel, { instance: this.instanceId, clientId, tokenIndex, epoch: this.epoch });
    return { kind: 'granted', epoch: this.epoch, takenFrom: held ? held.instance : '' };
  }

  async renew(channel: string, holder: LeaseHolder): Promise<RenewResult> {
    return this.leases.get(channel)?.epoch === holder.epoch ? 'kept' : 'lost';
  }

  release(channel: string, holder: LeaseHolder): void {
    if (this.leases.get(channel)?.epoch === holder.epoch) this.leases.delete(channel);
  }

  watch(_channel: string): void {}
  unwatch(_channel: string): void {}
  send(_instance: string, _message: InstanceMessage): void {}

  async close(): Promise<void> {
    this.queue.close();
  }
}
