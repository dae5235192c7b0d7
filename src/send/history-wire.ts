/**
 * The messages between `send` and its history worker (history-worker.ts). Bodies travel in one transferred
 * arena per batch (a pooled Buffer would drag its whole 8 KiB pool through structured clone), as [offset, length].
 */
import type { HeaderList } from '../core/types.js';
import type { GenericDefinition } from '../signatures/types.js';

export type Span = [offset: number, length: number];

/** An attempt's answer as a delivery row keeps it. */
export interface WireAnswer {
  startedAt: number;
  durationMs: number;
  status: number | null;
  headers: HeaderList | null;
  body: Span | null;
  truncated: boolean;
  error: string | null;
}

export type HistoryOp =
  /** An event whose first attempt has ended: its request row and that attempt's delivery (`final`: no retry follows). */
  | {
      k: 'event';
      url: string;
      method: string;
      headers: HeaderList;
      body: Span;
      eventType: string | null;
      eventId: string | null;
      nowMs: number;
      first: WireAnswer;
      final: boolean;
    }
  | { k: 'attempt'; requestId: number; attempt: number; target: string; answer: WireAnswer }
  | { k: 'final'; requestId: number; status: number };

/** Main thread → worker. `ops`: HistoryOp[] as JSON text (one string clones far cheaper than an object tree). */
export type ToWorker = { type: 'batch'; ops: string; arena: ArrayBuffer } | { type: 'stop' };

/** Worker → main thread. `ids`: one per event op of a batch, in order: its request id, or why it was not written. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'unavailable'; message: string }
  | { type: 'written'; ids: Array<number | { error: string }> }
  | { type: 'stopped' };

export interface HistoryWorkerData {
  dbPath: string;
  provider: string;
  secret: string;
  generic: GenericDefinition[];
  /** The writer's wal_autocheckpoint (the checkpointer raises it on the main connection; the worker is the writer). */
  walAutocheckpoint: number;
}
