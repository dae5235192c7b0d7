/**
 * Senders waiting on this instance for a client's answer, by relay request id. The answer may come from a client
 * connected here (the session calls `deliver` directly) or through another instance (its reply channel).
 */
import type { Answer } from '../core/types.js';
import type { InstanceMessage } from './relay-store.js';
import { timerDelay } from '../core/timer-delay.js';
import { IdMap } from '../core/id-map.js';

export type DispatchOutcome =
  | { kind: 'answer'; answer: Answer; remote: boolean }
  /** Connected, but no answer in time. `acked`: the client committed it anyway. */
  | { kind: 'timeout'; acked: boolean }
  /** The client went away before answering; unless `acked`, the request is still queued. */
  | { kind: 'gone'; acked: boolean };

interface Waiter {
  resolve: (o: DispatchOutcome) => void;
  /** When the sender gets its 504 (clock ms). */
  deadline: number;
  /** Only for answers through another instance: that instance (or its client) may die without telling us. */
  receiptTimer: NodeJS.Timeout | null;
  received: boolean;
  acked: boolean;
  remote: boolean;
}

export class ReplyRouter {
  /** In opening order, which is deadline order (one response timeout for all). */
  private readonly waiters = new IdMap<Waiter>();
  /**
   * One timer for every sender's response timeout, armed for the oldest waiter's deadline: a timer per request cost
   * an insert and a removal in Node's timer lists on every request, and almost all of them were cleared unused.
   */
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly o: { responseTimeoutMs: number; receiptTimeoutMs: number; now?: () => number }) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Start waiting for the answer to `id`, before the request is queued (so no answer can come first). Then call
   * `remote(id)` when the client is held by another instance, or `cancel(id)` when nobody will answer.
   */
  open(id: string): Promise<DispatchOutcome> {
    return new Promise((resolve) => {
      const deadline = this.now() + this.o.responseTimeoutMs;
      this.waiters.set(id, { resolve, deadline, receiptTimer: null, received: false, acked: false, remote: false });
      // Left armed when a sender is answered (the usual case): when it fires, it re-arms for the oldest waiter left.
      // Unref'd: a waiting sender's socket keeps the process alive, not this timer.
      this.timer ??= setTimeout(this.expire, timerDelay(this.o.responseTimeoutMs)).unref();
    });
  }

  /** The timer: answer every waiter past its deadline with a timeout, then wait for the next oldest. */
  private readonly expire = (): void => {
    this.timer = null;
    const now = this.now();
    for (const [id, w] of this.waiters) {
      if (w.deadline > now) {
        this.timer = setTimeout(this.expire, timerDelay(w.deadline - now)).unref();
        return;
      }
      this.settle(id, { kind: 'timeout', acked: w.acked });
    }
  };

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
    if (w.receiptTimer) clearTimeout(w.receiptTimer);
    w.resolve(outcome);
  }

  /** Shutdown: every waiting sender hears `gone` (their requests stay queued). */
  closeAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [id, w] of [...this.waiters]) this.settle(id, { kind: 'gone', acked: w.acked });
  }

  get size(): number {
    return this.waiters.size;
  }
}
