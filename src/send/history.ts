/**
 * Sent events in the history: each send is a request row (source `send`, the headers and bytes of its first
 * attempt, the signature verdict a receiver with the same secret would reach) and each attempt a delivery of
 * kind `send`, so `list`, `show`, `replay` and the UI see them like captures.
 */
import { getHeader } from '../core/headers.js';
import type { IncomingWebhook } from '../core/types.js';
import type { Exchange, OutgoingRequest } from '../forward/exchange.js';
import { splitUrl } from '../forward/exchange.js';
import { recordDelivery } from '../forward/record.js';
import { analyze, discordPrivateKey } from '../signatures/index.js';
import { rawPublicKey } from '../signatures/lib/ed25519.js';
import type { GenericDefinition } from '../signatures/types.js';
import { GroupCommitter, type Store } from '../store/index.js';
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

export function storeHistory(store: Store, opts: { provider: string; secret: string; generic: GenericDefinition[] }): SendHistory & { drain(): Promise<void> } {
  // Events of one turn share a commit: under load a commit per event would cost more than sending it.
  const committer = new GroupCommitter(store);
  const secrets = { [opts.provider]: [verifySecretFor(opts.provider, opts.secret)] };
  return {
    async event(ev: BuiltEvent, first: OutgoingRequest, nowMs: number): Promise<number> {
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
      const verdict = analyze({
        body: first.body,
        headers: first.headers,
        url: first.url,
        method: first.method,
        secrets,
        now: Math.floor(nowMs / 1000),
        provider: opts.provider,
        generic: opts.generic,
      });
      const r = await committer.record({ incoming, verdict });
      return r.id;
    },
    attempt(requestId: number, attempt: number, req: OutgoingRequest, result: Exchange): void {
      recordDelivery(store, undefined, { requestId, kind: 'send', target: req.url, attempt, result, responseCap: RESPONSE_CAP });
    },
    final(requestId: number, status: number | null): void {
      if (status !== null) store.queueResponseStatus(requestId, status);
    },
    async drain(): Promise<void> {
      await committer.drain();
      store.flushFollowUps();
    },
  };
}
