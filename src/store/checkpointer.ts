import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Above this many WAL pages (8 KiB each: 256 MB) the writer checkpoints by itself again, as a backstop. */
const BACKSTOP_PAGES = 32_768;

/**
 * Moves WAL checkpoints off the request path. A checkpoint copies pages into the database file and waits
 * for fsync; done by the writing connection, it lands on whichever request commits next. Here a worker
 * thread with its own connection checkpoints every `intervalMs`, while the writer only appends.
 * Without the compiled worker (running from TypeScript sources) the writer keeps checkpointing itself.
 */
export async function startCheckpointer(store: Store, intervalMs = 1000): Promise<Checkpointer> {
  const file = fileURLToPath(new URL('./checkpoint-worker.js', import.meta.url));
  if (store.path === ':memory:' || !existsSync(file)) return { stop: async () => undefined };
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(file, { workerData: { dbPath: store.path, intervalMs } });
  worker.unref();
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', (m: { ready?: boolean }) => resolve(Boolean(m.ready)));
    worker.once('error', () => resolve(false));
  });
  if (!ready) return { stop: async () => undefined };
  store.db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Unref'd so it never keeps a finished process alive; while stopping, wait for it.
        worker.ref();
        worker.postMessage('stop');
      }),
  };
}
