/**
 * Senders waiting on this instance for a client's answer, by relay request id. The answer may come from a client
 * connected here (the session calls `deliver` directly) or through another instance (its reply channel).
 */
import type { Answer } from '../core/types.js';
import type { InstanceMessage } from './relay-store.js';

export type DispatchOutcome =
  | { kind: 'answer'; answer: Answer; remote: boolean }
  /** Connected, but no answer in time. `acked`: the client committed it anyway. */
  | { kind: 'timeout'; acked: boolean }
  /** The client went away before answering; unless `acked`, the request is still queued. */
  | { kind: 'gone'; acked: boolean };

interface Waiter {
  resolve: (o: DispatchOutcome) => void;
  responseTimer: NodeJS.Timeout;
  /** Only for answers through another instance: that instance (or its client) may die without telling us. */
  receiptTimer: NodeJS.Timeout | null;
  received: boolean;
  acked: boolean;
  remote: boolean;
}

export class ReplyRouter {
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly o: { responseTimeoutMs: number; receiptTimeoutMs: number }) {}

  /**
   * Start waiting for the answer to `id`, before the request is queued (so no answer can come first). Then call
   * `remote(id)` when the client is held by another instance, or `cancel(id)` when nobody will answer.
   */
  open(id: string): Promise<DispatchOutcome> {
    return new Promise((resolve) => {
      const w: Waiter = {
        resolve,
        responseTimer: setTimeout(() => this.settle(id, { kind: 'timeout', acked: w.acked }), this.o.responseTimeoutMs),
        receiptTimer: null,
        received: false,
        acked: false,
        remote: false,
      };
      this.waiters.set(id, w);
    });
  }

  /**
   * The client is held by another instance: a missing transport receipt (that instance or its client died)
   * ends the wait as `gone` after twice the receipt timeout.
   */
  remote(id: string): void {
    const w = this.waiters.get(id);
    if (!w) return;
    w.remote = true;
    w.receiptTimer = setTimeout(() => {
      if (!w.received) this.settle(id, { kind: 'gone', acked: w.acked });
    }, 2 * this.o.receiptTimeoutMs);
  }

  /** Nobody will answer (queued offline, store failure): forget the waiter without resolving it. */
  cancel(id: string): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    clearTimeout(w.responseTimer);
    if (w.receiptTimer) clearTimeout(w.receiptTimer);
  }

  has(id: string): boolean {
    return this.waiters.has(id);
  }

  /** A fact about a request from its client (local session or another instance). */
  deliver(m: InstanceMessage): void {
    switch (m.kind) {
      case 'received': {
        const w = this.waiters.get(m.id);
        if (w) w.received = true;
        return;
      }
      case 'acked': {
        const w = this.waiters.get(m.id);
        if (w) {
          w.received = true;
          w.acked = true;
        }
        return;
      }
      case 'answer':
        return this.settle(m.id, { kind: 'answer', answer: m.answer, remote: this.waiters.get(m.id)?.remote ?? false });
      case 'gone':
        return this.settle(m.id, { kind: 'gone', acked: m.acked || (this.waiters.get(m.id)?.acked ?? false) });
      case 'revoke':
      case 'check':
      case 'check-result':
        return; // channel-level messages: the hub's
    }
  }

  private settle(id: string, outcome: DispatchOutcome): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    clearTimeout(w.responseTimer);
    if (w.receiptTimer) clearTimeout(w.receiptTimer);
    w.resolve(outcome);
  }

  /** Shutdown: every waiting sender hears `gone` (their requests stay queued). */
  closeAll(): void {
    for (const [id, w] of [...this.waiters]) this.settle(id, { kind: 'gone', acked: w.acked });
  }

  get size(): number {
    return this.waiters.size;
  }
}
