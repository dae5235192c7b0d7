// Worker thread: owns the connection that writes request rows (see WorkerWriter).
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type Store } from './store.js';
import { decodeBatch, type EncodedBatch } from './batch-codec.js';

const port = parentPort!;
let store: Store;
try {
  store = openStore((workerData as { dbPath: string }).dbPath);
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ fatal: (err as Error).message });
  process.exit(1);
}

port.on('message', (msg: { id: number; batch: EncodedBatch } | { close: true }) => {
  if ('close' in msg) {
    store.close();
    process.exit(0);
  }
  try {
    port.postMessage({ id: msg.id, results: store.insertMany(decodeBatch(msg.batch)) });
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
