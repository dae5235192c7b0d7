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
import type { NewRequest, Store } from '../store/index.js';
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
  let queue: Array<{ item: NewRequest; resolve: (id: number) => void; reject: (err: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  const idle: Array<() => void> = [];

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const results = store.insertMany(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!.id));
    } catch (err) {
      // A full disk or a locked file ends the run with one line, not a stack trace.
      const e = new OperationError(`cannot write to the history ${store.path}: ${(err as Error).message}`, 'pass --db PATH (or set HOOKDEV_DB) to use another file');
      for (const b of batch) b.reject(e);
    }
    for (const w of idle.splice(0)) w();
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
      return new Promise<number>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= MAX_BATCH) flush();
        else if (!timer) {
          timer = setTimeout(flush, WINDOW_MS);
          // Delivery rows queued meanwhile ride along with this commit instead of paying one of their own.
          store.groupCommitDue = true;
        }
      });
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void {
      recordDelivery(store, undefined, { requestId, kind: 'send', target: req.url, attempt, result, responseCap: RESPONSE_CAP });
    },
    final(requestId: number, status: number | null): void {
      if (status !== null) store.queueResponseStatus(requestId, status);
    },
    async drain(): Promise<void> {
      if (queue.length) await new Promise<void>((r) => idle.push(r));
      store.flushFollowUps();
    },
  };
}
