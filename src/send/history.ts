/**
 * Sent events in the history: each send is a request row (source `send`, the headers and bytes of its first
 * attempt, the signature verdict a receiver with the same secret would reach) and each attempt a delivery of
 * kind `send`, so `list`, `show`, `replay` and the UI see them like captures.
 */
import { OperationError } from '../core/errors.js';
import { getHeader } from '../core/headers.js';
import type { IncomingWebhook, NewDelivery, Verdict } from '../core/types.js';
import type { Exchange, OutgoingRequest } from '../forward/exchange.js';
import { splitUrl } from '../forward/exchange.js';
import { recordDelivery } from '../forward/record.js';
import { analyze, discordPrivateKey, getProvider } from '../signatures/index.js';
import { rawPublicKey } from '../signatures/lib/ed25519.js';
import type { GenericDefinition } from '../signatures/types.js';
import { WriteBatcher, type NewRequest, type Store } from '../store/index.js';
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

/**
 * Commit window: rows of the next 10 ms share one transaction. Nobody waits on these commits to send (the sender
 * reports an event once its row is in, and keeps sending meanwhile), so a wider window only saves commits; 10 ms
 * measured better than 2 ms in the send bench (fewer WAL writes per row).
 */
const WINDOW_MS = 10;
const MAX_BATCH = 512;

export interface HistoryOptions {
  provider: string;
  secret: string;
  generic: GenericDefinition[];
}

/**
 * The history of a send or audit run, written on the sending thread by the one write batcher. (A worker thread
 * was measured too: handing rows over cost more CPU than writing them, and on two shared cores CPU is the bound.)
 */
export function storeHistory(store: Store, opts: HistoryOptions): SendHistory & { drain(): Promise<void> } {
  const secret = verifySecretFor(opts.provider, opts.secret);
  const secrets = { [opts.provider]: [secret] };
  const provider = getProvider(opts.provider, opts.generic);
  // The history's one write batcher, gathering a few ms: delivery rows and statuses ride along with event rows.
  const writes = new WriteBatcher(store, () => undefined, { windowMs: WINDOW_MS, maxBatch: MAX_BATCH });
  // A full disk or a locked file ends the run with one line, not a stack trace.
  const cannotWrite = (err: unknown): never => {
    throw new OperationError(`cannot write to the history ${store.path}: ${(err as Error).message}`, 'pass --db PATH (or set HOOKDEV_DB) to use another file');
  };

  /** What a receiver holding the same secret concludes; the full analysis (with diagnosis) only when it fails. */
  const verdictOf = (ev: BuiltEvent, req: OutgoingRequest, nowMs: number): Verdict => {
    const now = Math.floor(nowMs / 1000);
    if (provider) {
      try {
        const r = provider.verify({ body: req.body, headers: req.headers, url: req.url, method: req.method, secrets: [secret], now });
        if (r.ok) {
          return { provider: provider.name, eventType: ev.eventType, eventId: ev.eventId, status: 'valid', reason: `valid ${provider.name} signature`, code: null, diagnosis: null, warnings: r.warnings };
        }
      } catch {
        // analyze() below says what went wrong
      }
    }
    return analyze({ body: req.body, headers: req.headers, url: req.url, method: req.method, secrets, now, provider: opts.provider, generic: opts.generic });
  };

  const deliveryOf = (requestId: number, attempt: number, target: string, result: Exchange): NewDelivery => {
    let delivery: NewDelivery | null = null;
    recordDelivery({ queueDelivery: (d) => (delivery = d) }, undefined, { requestId, kind: 'send', target, attempt, result, responseCap: RESPONSE_CAP });
    return delivery!;
  };

  return {
    // The event's request row carries its first attempt's delivery (and the final status when it ended there).
    event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number, result: Exchange, final: boolean): Promise<number> {
      const { origin, path } = splitUrl(first.url);
      const host = origin.replace(/^https?:\/\//i, '');
      const headers = getHeader(first.headers, 'Host') ? first.headers : [['Host', host] as [string, string], ...first.headers];
      const incoming: IncomingWebhook = {
        source: 'send',
        method: first.method,
        url: path,
        httpVersion: '1.1',
        remoteAddr: '',
        headers,
        body: first.body,
        receivedAt: nowMs,
      };
      const { requestId: _unset, ...delivery } = deliveryOf(0, 1, first.url, result);
      const row: NewRequest = { incoming, verdict: verdictOf(ev, first, nowMs), responseStatus: final ? result.status : null, deliveries: [delivery] };
      return writes.record(row).then((r) => r.id, cannotWrite);
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void {
      writes.queueDelivery(deliveryOf(requestId, attempt, req.url, result));
    },
    final(requestId: number, status: number | null): void {
      if (status !== null) writes.queueResponseStatus(requestId, status);
    },
    drain(): Promise<void> {
      return writes.drain();
    },
  };
}
