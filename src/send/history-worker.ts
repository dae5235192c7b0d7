// Worker thread: writes `send`'s history (verdicts, request and delivery rows) on its own connection, so the
// sending loop only builds, signs and sends. See startHistoryWorker in history.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Exchange } from '../forward/exchange.js';
import { openStore, WriteBatcher, type Store } from '../store/index.js';
import { historyRows } from './history.js';
import type { FromWorker, HistoryOp, HistoryWorkerData, Span, ToWorker, WireAnswer } from './history-wire.js';

const data = workerData as HistoryWorkerData;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);

let store: Store;
try {
  store = openStore(data.dbPath, { mustWrite: true });
  store.db.pragma(`wal_autocheckpoint = ${Math.floor(data.walAutocheckpoint)}`);
} catch (err) {
  post({ type: 'unavailable', message: (err as Error).message });
  process.exit(0);
}
const rows = historyRows(data);
// Each message is one batch from the sender; batches that arrive in the same turn share one commit.
const writes = new WriteBatcher(store, () => undefined);

/** The last batch's answer: 'stopped' goes out after it. */
let replied: Promise<void> = Promise.resolve();

const slice = (arena: ArrayBuffer, span: Span): Buffer => Buffer.from(arena, span[0], span[1]);

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'batch': {
      const pending: Array<Promise<number | { error: string }>> = [];
      const answer = (a: WireAnswer): Exchange => ({ ...a, body: a.body ? slice(msg.arena, a.body) : null, failure: null });
      for (const op of JSON.parse(msg.ops) as HistoryOp[]) {
        switch (op.k) {
          case 'event': {
            const rec = { url: op.url, method: op.method, headers: op.headers, body: slice(msg.arena, op.body), eventType: op.eventType, eventId: op.eventId, nowMs: op.nowMs };
            pending.push(
              writes.record(rows.request(rec, answer(op.first), op.final)).then(
                (r) => r.id,
                (err: unknown) => ({ error: (err as Error).message }),
              ),
            );
            break;
          }
          case 'attempt':
            writes.queueDelivery(rows.delivery(op.requestId, op.attempt, op.target, answer(op.answer)));
            break;
          case 'final':
            writes.queueResponseStatus(op.requestId, op.status);
            break;
        }
      }
      if (pending.length) {
        const answer = Promise.all(pending);
        replied = replied.then(() => answer).then((ids) => post({ type: 'written', ids }));
      }
      return;
    }
    case 'stop':
      // Messages arrive in order: everything sent before 'stop' is queued; write it, then leave.
      void writes
        .drain()
        .then(() => replied)
        .then(() => {
          store.close();
          post({ type: 'stopped' });
        });
      return;
  }
});
post({ type: 'ready' });
