/**
 * Sent events in the history: each send is a request row (source `send`, the headers and bytes of its first
 * attempt, the signature verdict a receiver with the same secret would reach) and each attempt a delivery of
 * kind `send`, so `list`, `show`, `replay` and the UI see them like captures.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../core/errors.js';
import { getHeader } from '../core/headers.js';
import type { HeaderList, IncomingWebhook, NewDelivery, Verdict } from '../core/types.js';
import type { Exchange, OutgoingRequest } from '../forward/exchange.js';
import { splitUrl } from '../forward/exchange.js';
import { recordDelivery } from '../forward/record.js';
import { analyze, discordPrivateKey, getProvider } from '../signatures/index.js';
import { rawPublicKey } from '../signatures/lib/ed25519.js';
import type { GenericDefinition } from '../signatures/types.js';
import { WriteBatcher, type NewRequest, type Store } from '../store/index.js';
import type { FromWorker, HistoryOp, HistoryWorkerData, Span, ToWorker, WireAnswer } from './history-wire.js';
import type { BuiltEvent } from './message.js';
import type { SendHistory } from './sender.js';

const RESPONSE_CAP = 64 * 1024;

/** The secret a receiver verifies with: the same one, except Discord, which verifies with the public key. */
export function verifySecretFor(provider: string, secret: string): string {
  if (provider !== 'discord') return secret;
  try {
    return rawPublicKey(discordPrivateKey(secret)).toString('hex');
  } catch {
    return secret;
  }
}

/** Commit window: events of the next few ms share one transaction (their commits overlap the sends anyway). */
const WINDOW_MS = 2;
const MAX_BATCH = 512;

/** What the history needs of an event's first attempt (plain data: it also crosses to the history worker). */
export interface EventRecord {
  url: string;
  method: string;
  headers: HeaderList;
  body: Buffer;
  eventType: string | null;
  eventId: string | null;
  /** Epoch ms the first attempt went out. */
  nowMs: number;
}

export interface HistoryOptions {
  provider: string;
  secret: string;
  generic: GenericDefinition[];
}

/**
 * Turns sent events into rows: the request row with the verdict a receiver holding the same secret reaches, and a
 * delivery row per attempt. Shared by the in-thread history and the history worker.
 */
export function historyRows(opts: HistoryOptions): {
  request(rec: EventRecord, first: Exchange, final: boolean): NewRequest;
  delivery(requestId: number, attempt: number, target: string, result: Exchange): NewDelivery;
} {
  const secret = verifySecretFor(opts.provider, opts.secret);
  const secrets = { [opts.provider]: [secret] };
  const provider = getProvider(opts.provider, opts.generic);

  /** What a receiver holding the same secret concludes; the full analysis (with diagnosis) only when it fails. */
  const verdictOf = (rec: EventRecord): Verdict => {
    const now = Math.floor(rec.nowMs / 1000);
    if (provider) {
      try {
        const r = provider.verify({ body: rec.body, headers: rec.headers, url: rec.url, method: rec.method, secrets: [secret], now });
        if (r.ok) {
          return { provider: provider.name, eventType: rec.eventType, eventId: rec.eventId, status: 'valid', reason: `valid ${provider.name} signature`, code: null, diagnosis: null, warnings: r.warnings };
        }
      } catch {
        // analyze() below says what went wrong
      }
    }
    return analyze({ body: rec.body, headers: rec.headers, url: rec.url, method: rec.method, secrets, now, provider: opts.provider, generic: opts.generic });
  };

  const deliveryOf = (requestId: number, attempt: number, target: string, result: Exchange): NewDelivery => {
    let delivery: NewDelivery | null = null;
    recordDelivery({ queueDelivery: (d) => (delivery = d) }, undefined, { requestId, kind: 'send', target, attempt, result, responseCap: RESPONSE_CAP });
    return delivery!;
  };
  return {
    /** The event's request row, carrying its first attempt's delivery (and the final status when it ended there). */
    request(rec: EventRecord, first: Exchange, final: boolean): NewRequest {
      const { origin, path } = splitUrl(rec.url);
      const host = origin.replace(/^https?:\/\//i, '');
      const headers = getHeader(rec.headers, 'Host') ? rec.headers : [['Host', host] as [string, string], ...rec.headers];
      const incoming: IncomingWebhook = {
        source: 'send',
        method: rec.method,
        url: path,
        httpVersion: '1.1',
        remoteAddr: '',
        headers,
        body: rec.body,
        receivedAt: rec.nowMs,
      };
      const { requestId: _unset, ...delivery } = deliveryOf(0, 1, rec.url, first);
      return { incoming, verdict: verdictOf(rec), responseStatus: final ? first.status : null, deliveries: [delivery] };
    },
    delivery: deliveryOf,
  };
}

export const recordOf = (ev: BuiltEvent, first: OutgoingRequest, nowMs: number): EventRecord => ({
  url: first.url,
  method: first.method,
  headers: first.headers,
  body: first.body,
  eventType: ev.eventType,
  eventId: ev.eventId,
  nowMs,
});

/** A full disk or a locked file ends the run with one line, not a stack trace. */
export function cannotWriteError(path: string, message: string): OperationError {
  return new OperationError(`cannot write to the history ${path}: ${message}`, 'pass --db PATH (or set HOOKDEV_DB) to use another file');
}

/** The history written on this thread (tests, audit, and `send` when the history worker is not available). */
export function storeHistory(store: Store, opts: HistoryOptions): SendHistory & { drain(): Promise<void> } {
  const rows = historyRows(opts);
  // The history's one write batcher, gathering a few ms: delivery rows and statuses ride along with event rows.
  const writes = new WriteBatcher(store, () => undefined, { windowMs: WINDOW_MS, maxBatch: MAX_BATCH });
  const cannotWrite = (err: unknown): never => {
    throw cannotWriteError(store.path, (err as Error).message);
  };
  return {
    event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number, result: Exchange, final: boolean): Promise<number> {
      return writes.record(rows.request(recordOf(ev, first, nowMs), result, final)).then((r) => r.id, cannotWrite);
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void {
      writes.queueDelivery(rows.delivery(requestId, attempt, req.url, result));
    },
    final(requestId: number, status: number | null): void {
      if (status !== null) writes.queueResponseStatus(requestId, status);
    },
    drain(): Promise<void> {
      return writes.drain();
    },
  };
}

/**
 * Ops gathered for a few ms, posted as one message: a message per loop turn cost the sending loop as much as the
 * writes it handed off (each post wakes the worker). The sender does not wait for these commits (sender.ts).
 */
const POST_WINDOW_MS = 2;
const MAX_OPS = 512;

/**
 * The history written by a worker thread (history-worker.ts) on its own connection: verdicts, JSON columns and
 * commits leave the sending loop, which only posts plain rows once per turn. Same contract as storeHistory: an
 * event's promise resolves with its id once its row is committed. Null when the compiled worker is not there
 * (running from TypeScript sources) or the store is in memory: the caller then writes on its own thread.
 */
export async function startHistoryWorker(store: Store, opts: HistoryOptions): Promise<(SendHistory & { drain(): Promise<void> }) | null> {
  const file = fileURLToPath(new URL('./history-worker.js', import.meta.url));
  if (store.path === ':memory:' || !existsSync(file)) return null;
  const { Worker } = await import('node:worker_threads');
  const workerData: HistoryWorkerData = {
    dbPath: store.path,
    provider: opts.provider,
    secret: opts.secret,
    generic: opts.generic,
    walAutocheckpoint: store.db.pragma('wal_autocheckpoint', { simple: true }) as number,
  };
  const worker = new Worker(file, { workerData });
  let failure: Error | null = null;
  let stopped: (() => void) | null = null;
  // Waiters for event ids, in the order their ops were posted (the worker answers in that order).
  const waiters: Array<{ resolve: (id: number) => void; reject: (e: unknown) => void }> = [];
  let head = 0;
  const fail = (err: Error): void => {
    failure ??= cannotWriteError(store.path, err.message);
    for (let i = head; i < waiters.length; i++) waiters[i]!.reject(failure);
    waiters.length = 0;
    head = 0;
    stopped?.();
  };
  const ready = new Promise<string | null>((resolve) => {
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          return resolve(null);
        case 'unavailable':
          return resolve(m.message);
        case 'written':
          for (const r of m.ids) {
            const w = waiters[head++]!;
            if (typeof r === 'number') w.resolve(r);
            else w.reject(cannotWriteError(store.path, r.error));
          }
          if (head === waiters.length) {
            waiters.length = 0;
            head = 0;
          }
          return;
        case 'stopped':
          return stopped?.();
      }
    });
    worker.on('error', (err) => {
      resolve(err.message);
      fail(err);
    });
    worker.on('exit', () => fail(new Error('the history worker stopped')));
  });
  const problem = await ready;
  if (problem !== null) {
    await worker.terminate();
    throw cannotWriteError(store.path, problem);
  }

  let ops: HistoryOp[] = [];
  let bodies: Buffer[] = [];
  let arenaSize = 0;
  let timer: NodeJS.Timeout | null = null;
  const span = (b: Buffer): Span => {
    bodies.push(b);
    const s: Span = [arenaSize, b.length];
    arenaSize += b.length;
    return s;
  };
  const answerOf = (r: Exchange): WireAnswer => ({
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    status: r.status,
    headers: r.headers,
    body: r.body ? span(r.body.length > RESPONSE_CAP ? r.body.subarray(0, RESPONSE_CAP) : r.body) : null,
    truncated: r.truncated || (r.body !== null && r.body.length > RESPONSE_CAP),
    error: r.error,
  });
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (ops.length === 0) return;
    const arena = new ArrayBuffer(arenaSize);
    const view = new Uint8Array(arena);
    let at = 0;
    for (const b of bodies) {
      view.set(b, at);
      at += b.length;
    }
    const msg: ToWorker = { type: 'batch', ops: JSON.stringify(ops), arena };
    ops = [];
    bodies = [];
    arenaSize = 0;
    worker.postMessage(msg, [arena]);
  };
  const queue = (op: HistoryOp): void => {
    ops.push(op);
    if (ops.length >= MAX_OPS) return flush();
    timer ??= setTimeout(flush, POST_WINDOW_MS);
  };

  return {
    event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number, result: Exchange, final: boolean): Promise<number> {
      if (failure) return Promise.reject(failure);
      return new Promise<number>((resolve, reject) => {
        waiters.push({ resolve, reject });
        queue({
          k: 'event',
          url: first.url,
          method: first.method,
          headers: first.headers,
          body: span(first.body),
          eventType: ev.eventType,
          eventId: ev.eventId,
          nowMs,
          first: answerOf(result),
          final,
        });
      });
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, r: Exchange): void {
      if (failure) return;
      queue({ k: 'attempt', requestId, attempt, target: req.url, answer: answerOf(r) });
    },
    final(requestId: number, status: number | null): void {
      if (failure || status === null) return;
      queue({ k: 'final', requestId, status });
    },
    async drain(): Promise<void> {
      flush();
      if (!failure) {
        await new Promise<void>((resolve) => {
          stopped = resolve;
          worker.postMessage({ type: 'stop' } satisfies ToWorker);
        });
      }
      await worker.terminate().catch(() => undefined);
    },
  };
}
