// Worker thread: checkpoints the history's WAL on its own connection (see startCheckpointer).
import { openSqlite, type SqliteDatabase } from './open.js';
import { parentPort, workerData } from 'node:worker_threads';

const { dbPath, intervalMs } = workerData as { dbPath: string; intervalMs: number };
const port = parentPort!;
let db: SqliteDatabase;
try {
  db = openSqlite(dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  // Keep the WAL file from staying huge after a burst once it has been reset.
  db.pragma('journal_size_limit = 67108864');
  db.pragma('cache_size = -256');
  port.postMessage({ ready: true });
} catch {
  port.postMessage({ ready: false });
  process.exit(0);
}

function checkpoint(): void {
  try {
    // PASSIVE never blocks the writer or readers; what it cannot copy now it copies next time.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: try again next tick.
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  process.exit(0);
});
