import type { InsertResult, NewRequest } from './store.js';
import type { BatchWriter } from './writer.js';

interface Pending {
  item: NewRequest;
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: requests that arrive together are written in one short transaction, and each caller's
 * promise settles only after that transaction has committed. One batch is written at a time; whatever
 * arrives meanwhile forms the next batch, so batches grow with the load.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private writing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly writer: BatchWriter) {}

  record(item: NewRequest): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request read in this loop turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.notifyIdle();
    this.writing = true;
    try {
      const results = await this.writer.insertMany(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.writing = false;
    }
    if (this.queue.length) this.schedule();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queue.length === 0 && !this.writing && !this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once every recorded item has been written (or failed). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.writing && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
