/**
 * Sent events in the history: each send is a request row (source `send`, the headers and bytes of its first
 * attempt, the signature verdict a receiver with the same secret would reach) and each attempt a delivery of
 * kind `send`, so `list`, `show`, `replay` and the UI see them like captures.
 */
import { OperationError } from '../core/errors.js';
import { getHeader } from '../core/headers.js';
import type { IncomingWebhook, Verdict } from '../core/types.js';
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

/** Commit window: events of the next few ms share one transaction (their commits overlap the sends anyway). */
const WINDOW_MS = 2;
const MAX_BATCH = 512;

export function storeHistory(store: Store, opts: { provider: string; secret: string; generic: GenericDefinition[] }): SendHistory & { drain(): Promise<void> } {
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

  return {
    event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number): Promise<number> {
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
      const item: NewRequest = { incoming, verdict: verdictOf(ev, first, nowMs) };
      return writes.record(item).then((r) => r.id, cannotWrite);
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void {
      recordDelivery(writes, undefined, { requestId, kind: 'send', target: req.url, attempt, result, responseCap: RESPONSE_CAP });
    },
    final(requestId: number, status: number | null): void {
      if (status !== null) writes.queueResponseStatus(requestId, status);
    },
    drain(): Promise<void> {
      return writes.drain();
    },
  };
}
