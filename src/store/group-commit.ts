import type { InsertResult, NewRequest, Store } from './store.js';

interface Pending {
  item: NewRequest;
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: requests that arrive in the same turn of the event loop are written in one short
 * transaction, and each caller's promise settles only after that transaction has committed.
 * One commit per request costs about as much as a whole HTTP exchange; one per batch is nearly free.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly store: Store) {}

  record(item: NewRequest): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.inFlight++;
      if (!this.scheduled) {
        this.scheduled = true;
        this.store.groupCommitDue = true;
        // setImmediate runs after the poll phase: every request read in this loop turn joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) {
      this.store.groupCommitDue = false;
      return;
    }
    try {
      const results = this.store.insertMany(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight -= batch.length;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once every recorded item has been written (or failed). */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
