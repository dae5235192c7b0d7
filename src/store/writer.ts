import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { InsertResult, NewRequest, Store } from './store.js';
import { encodeBatch } from './batch-codec.js';

/** Where request rows get written: in this thread, or in a worker that owns its own connection. */
export interface BatchWriter {
  insertMany(items: NewRequest[]): Promise<InsertResult[]>;
  close(): Promise<void>;
}

/** Writes on the caller's thread (tests, one-shot commands). */
export class InlineWriter implements BatchWriter {
  constructor(private readonly store: Store) {}
  async insertMany(items: NewRequest[]): Promise<InsertResult[]> {
    return this.store.insertMany(items);
  }
  async close(): Promise<void> {}
}

type WorkerReply = { id: number; results?: InsertResult[]; error?: string } | { ready: true } | { fatal: string };

/**
 * Writes in a worker thread. A commit (and SQLite's WAL checkpoints) costs about as much CPU as a whole
 * HTTP exchange, so on the listener's thread it would halve throughput; in a worker it runs beside it.
 */
export class WorkerWriter implements BatchWriter {
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: InsertResult[]) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: WorkerReply) => {
      if ('id' in msg) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) return;
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.results!);
      }
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`history writer stopped (exit ${code})`)));
  }

  static async start(dbPath: string): Promise<WorkerWriter> {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(workerFile()!, { workerData: { dbPath } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        if ('ready' in msg) (cleanup(), resolve());
        else if ('fatal' in msg) (cleanup(), reject(Object.assign(new Error(msg.fatal), { code: 'SQLITE_CANTOPEN' })));
      };
      const onError = (err: Error) => (cleanup(), reject(err));
      const cleanup = () => (worker.off('message', onMessage), worker.off('error', onError));
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
    return new WorkerWriter(worker);
  }

  insertMany(items: NewRequest[]): Promise<InsertResult[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const batch = encodeBatch(items);
      this.worker.postMessage({ id, batch }, [batch.bodies]);
    });
  }

  async close(): Promise<void> {
    if (this.dead) return;
    await new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ close: true });
    });
  }
}

/** The compiled worker script; absent when running from TypeScript sources (tests use InlineWriter). */
export function workerFile(): string | null {
  const path = fileURLToPath(new URL('./writer-worker.js', import.meta.url));
  return existsSync(path) ? path : null;
}

export async function makeWriter(store: Store, mode: 'auto' | 'inline' = 'auto'): Promise<BatchWriter> {
  if (mode === 'inline' || store.path === ':memory:' || !workerFile()) return new InlineWriter(store);
  return WorkerWriter.start(store.path);
}
