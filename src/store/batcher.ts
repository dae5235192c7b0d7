import { afterTurn, thisTurn } from '../core/turn.js';
import type { NewDelivery } from '../core/types.js';
import type { InsertResult, NewRequest, Store, WriteBatch } from './store.js';

interface Pending {
  item: NewRequest;
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
}

/**
 * How long requests gather before their commit. Default: the requests of one loop turn (a server's requests arrive
 * together). A client sending its own events (`send`) gathers a few ms instead: its commits overlap its sends.
 */
export interface BatchWindow {
  windowMs?: number;
  /** Commit at once when this many are waiting. */
  maxBatch?: number;
}

/** Where delivery rows go: the batcher in a running process (tests may hand in their own). */
export interface DeliverySink {
  queueDelivery(d: NewDelivery): void;
}

/**
 * The one owner of every queued write to the history, and of when it is written (phases in core/turn.ts).
 *
 * - Requests (`record`): those arriving in the same turn are written in one short transaction, and each caller's
 *   promise settles only after that transaction has committed. One commit per request costs about as much as a
 *   whole HTTP exchange; one per batch is nearly free.
 * - Follow-ups (`queueDelivery`, `queueResponseStatus`): nobody waits for them. They ride along with the next
 *   request batch when one is due, else get their own commit in the commit phase, after the turn's answers and
 *   frames have left.
 *
 * The Store itself holds nothing back: every read sees what has been written, and `flush()` writes the queue now.
 */
export class WriteBatcher implements DeliverySink {
  private requests: Pending[] = [];
  private deliveries: NewDelivery[] = [];
  private statuses: Array<[id: number, status: number]> = [];
  private requestFlushDue = false;
  /** A commit-phase flush is queued; cleared only when it runs, so follow-ups of several turns share one commit. */
  private followUpFlushQueued = false;

  private windowTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    /** Told when a follow-up write fails: it runs outside any caller, so it cannot throw to one. */
    private readonly onBackgroundError: (err: Error) => void = () => undefined,
    private readonly batching: BatchWindow = {},
  ) {}

  record(item: NewRequest): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      const n = this.requests.push({ item, resolve, reject });
      if (this.batching.maxBatch !== undefined && n >= this.batching.maxBatch) return this.flush();
      if (this.requestFlushDue) return;
      this.requestFlushDue = true;
      if (this.batching.windowMs) this.windowTimer = setTimeout(() => this.flush(), this.batching.windowMs);
      else thisTurn(() => this.flush());
    });
  }

  /** A delivery row, written with the next request batch or in the commit phase, whichever comes first. */
  queueDelivery(d: NewDelivery): void {
    this.deliveries.push(d);
    this.scheduleFollowUps();
  }

  /** The answer's status when it was known only after the commit (passthrough); batched like deliveries. */
  queueResponseStatus(id: number, status: number): void {
    this.statuses.push([id, status]);
    this.scheduleFollowUps();
  }

  private scheduleFollowUps(): void {
    // A request batch already due takes them along: one commit, not two.
    if (this.requestFlushDue || this.followUpFlushQueued) return;
    this.followUpFlushQueued = true;
    afterTurn('commit', () => {
      this.followUpFlushQueued = false;
      // Likewise when a request batch became due meanwhile.
      if (!this.requestFlushDue) this.flush();
    });
  }

  /** Write everything queued, now, in one transaction. Request waiters settle; a follow-up failure is reported. */
  flush(): void {
    this.requestFlushDue = false;
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    const batch = this.requests;
    const followUps: WriteBatch = { requests: [], deliveries: this.deliveries, statuses: this.statuses };
    this.requests = [];
    this.deliveries = [];
    this.statuses = [];
    const hasFollowUps = followUps.deliveries.length > 0 || followUps.statuses.length > 0;
    if (batch.length === 0 && !hasFollowUps) return;
    if (!this.store.isOpen()) {
      // Shutting down: requests are refused (not acknowledged, so the sender retries); follow-ups have nowhere to go.
      const closed = new Error('the history is closed');
      for (const p of batch) p.reject(closed);
      return;
    }
    try {
      const results = this.store.writeBatch({ ...followUps, requests: batch.map((p) => p.item) });
      batch.forEach((p, i) => p.resolve(results[i]!));
      return;
    } catch (err) {
      if (batch.length === 0 || !hasFollowUps) {
        for (const p of batch) p.reject(err);
        if (hasFollowUps) this.onBackgroundError(err as Error);
        return;
      }
    }
    // Requests and follow-ups failed together: try each alone, so a bad delivery row cannot refuse a request.
    try {
      const results = this.store.writeBatch({ requests: batch.map((p) => p.item), deliveries: [], statuses: [] });
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
    try {
      this.store.writeBatch(followUps);
    } catch (err) {
      this.onBackgroundError(err as Error);
    }
  }

  /** Resolves once everything queued so far is written (or has failed). Used at shutdown. */
  drain(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }
}
