import type { EventHub } from '../core/events.js';
import { formatMs } from '../core/duration.js';
import { backoffDelay } from '../core/backoff.js';
import { Fifo } from '../core/fifo.js';
import type { Exchange, OutgoingRequest } from './exchange.js';

/** One (request, target) delivery: settles once it reached the app or was given up. */
export interface LaneJob {
  /** Arrival order across the forwarder: a waiting queue is kept sorted by it. */
  seq: number;
  requestId: number;
  request: OutgoingRequest;
  attempts: number;
  /** When it started waiting for an unreachable app (the retry window counts from here). */
  waitingSince: number | null;
  settle: () => void;
}

export interface RecordExtras {
  waiting?: number;
  error?: string;
}

export interface LaneDeps {
  target: string;
  events: EventHub;
  send(request: OutgoingRequest): Promise<Exchange>;
  record(job: LaneJob, result: Exchange, extras: RecordExtras): void;
  retryForMs: number;
  /** Backoff (core/backoff.ts, full jitter): the n-th wait is random in [0, min(maxDelayMs, initialDelayMs·2^n)]. */
  initialDelayMs: number;
  maxDelayMs: number;
  clock: () => number;
  /** The jitter's randomness; default Math.random. */
  random?: () => number;
  /** Requests handed to `send` at once at most; later ones wait in the lane, in arrival order. Default 64. */
  maxInFlight?: number;
}

/** Twice the forward pool's connections (client.ts): every connection has its next request ready, no more. */
export const LANE_MAX_IN_FLIGHT = 64;

const NOT_SENT: Omit<Exchange, 'startedAt' | 'error'> = {
  durationMs: 0,
  status: null,
  headers: null,
  body: null,
  truncated: false,
  failure: 'unreachable',
};

/**
 * A per-target FIFO. While the app answers, requests go out at once (concurrently). When it stops answering
 * (connection refused: a dev server restarting), the failed request waits and every later one queues behind it;
 * the head is retried with exponential backoff and jitter, and once it gets through the queue is sent one by one, in
 * arrival order, so the app sees events in the order the sender sent them.
 */
export class Lane {
  private readonly waiting: LaneJob[] = [];
  private looping = false;
  private closing = false;
  private wake: (() => void) | null = null;
  /** Tail of the in-turn chain (backlog requests go one at a time) and how many jobs are still on it. */
  private turn: Promise<void> = Promise.resolve();
  private inTurnCount = 0;
  /**
   * Sends in flight, and the requests waiting for one to end (arrival order). A burst the app cannot keep up with
   * waits here as its job alone: handed to undici at once, each would also hold undici's request, our attempt,
   * a timer and the cleaned headers until its turn on a connection, and a backlog of thousands of those (default
   * mode, where the sender does not wait) made every young-generation GC copy them, costing more than the forwards.
   */
  private inFlight = 0;
  /** Waiting for a send to end, in arrival order: a live job (no promise, no async frame), or an in-turn step. */
  private readonly ready = new Fifo<LaneJob | (() => void)>();
  private readonly maxInFlight: number;

  constructor(private readonly deps: LaneDeps) {
    this.maxInFlight = Math.max(1, deps.maxInFlight ?? LANE_MAX_IN_FLIGHT);
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * `inTurn`: the request came from a backlog (the relay's queue): it starts only once every earlier one in turn
   * has settled, so a backlog reaches the app strictly in order. Live requests go at once, concurrently, unless a
   * backlog is still going out: then they queue behind it rather than overtake it.
   */
  submit(job: Omit<LaneJob, 'settle'>, inTurn = false): Promise<void> {
    return new Promise<void>((settle) => {
      const full: LaneJob = {
        seq: job.seq,
        requestId: job.requestId,
        request: job.request,
        attempts: job.attempts,
        waitingSince: job.waitingSince,
        settle,
      };
      // Never overtake a request that is waiting for the app.
      if (this.looping) this.enqueue(full);
      else if (inTurn || this.inTurnCount > 0) this.inTurn(full);
      else if (this.inFlight < this.maxInFlight) {
        this.inFlight++;
        void this.first(full);
      } else this.ready.push(full);
    });
  }

  /** Shutdown: stop waiting; every queued request is recorded as failed. */
  close(): void {
    this.closing = true;
    this.wake?.();
  }

  /** After a drain: accept and wait again (drain is also usable outside shutdown). */
  reopen(): void {
    this.closing = false;
  }

  private inTurn(job: LaneJob): void {
    this.inTurnCount++;
    const step = async (): Promise<void> => {
      try {
        // Waiting for an unreachable app: the waiting queue keeps arrival order itself.
        if (this.looping) this.enqueue(job);
        else {
          if (this.inFlight < this.maxInFlight) this.inFlight++;
          // The slot is handed over by the send that ends (release), so later arrivals cannot overtake.
          else await new Promise<void>((go) => this.ready.push(go));
          await this.first(job);
        }
      } finally {
        this.inTurnCount--;
      }
    };
    this.turn = this.turn.then(step, step);
  }

  private tryOnce(job: LaneJob): Promise<Exchange> {
    job.attempts++;
    return this.deps.send(job.request);
  }

  /** Send a job that holds a slot (see release). */
  private async first(job: LaneJob): Promise<void> {
    if (this.looping) {
      // The app went down while this one waited for a slot: it queues behind the request waiting for the app.
      this.enqueue(job);
      this.release();
      return;
    }
    let result: Exchange;
    try {
      result = await this.tryOnce(job);
    } catch (err) {
      this.release();
      throw err;
    }
    if (result.failure === 'unreachable' && !this.closing) {
      this.enqueue(job);
      // After enqueue: the lane is waiting for the app now, so the request the slot goes to queues behind this one.
      this.release();
      this.deps.record(job, result, { waiting: this.waiting.length });
      return;
    }
    this.release();
    this.deps.record(job, result, {});
    job.settle();
  }

  /** A send ended: its slot goes to the next waiting request, else is free. */
  private release(): void {
    for (;;) {
      const next = this.ready.shift();
      if (next === undefined) {
        this.inFlight--;
        return;
      }
      if (typeof next === 'function') return next();
      if (!this.looping) return void this.first(next);
      // The app is down: it waits behind the request waiting for the app (a loop, not first(): no deep recursion).
      this.enqueue(next);
    }
  }

  private enqueue(job: LaneJob): void {
    job.waitingSince ??= this.deps.clock();
    // Requests in flight when the app went down fail in any order: put each back by arrival.
    let i = this.waiting.length;
    while (i > 0 && this.waiting[i - 1]!.seq > job.seq) i--;
    this.waiting.splice(i, 0, job);
    if (this.looping) return;
    this.looping = true;
    void this.loop();
  }

  private announce(state: 'unreachable' | 'reachable'): void {
    const n = this.waiting.length;
    const message =
      state === 'unreachable'
        ? `app unreachable at ${this.deps.target}, ${n} waiting`
        : `app back at ${this.deps.target}${n ? `, sending ${n} waiting in order` : ''}`;
    this.deps.events.emit({ type: 'state', component: 'forward', state, message, detail: { target: this.deps.target, waiting: n } });
  }

  private async loop(): Promise<void> {
    // Waits since the app was last seen up: the backoff's exponent.
    let retries = 0;
    let down = true;
    this.announce('unreachable');
    while (this.waiting.length) {
      const head = this.waiting[0]!;
      const expired = () => this.deps.clock() - (head.waitingSince ?? 0) >= this.deps.retryForMs;
      if (head.attempts > 0 && !expired() && !this.closing) {
        const { initialDelayMs, maxDelayMs, random } = this.deps;
        await this.sleep(Math.min(backoffDelay(retries++, initialDelayMs, maxDelayMs, random), this.deps.retryForMs));
      }
      if (this.closing) {
        this.giveUpAll();
        break;
      }
      const result = await this.tryOnce(head);
      if (result.failure === 'unreachable') {
        if (expired() || this.closing) {
          this.waiting.shift();
          const error = `gave up after ${formatMs(this.deps.clock() - (head.waitingSince ?? 0))}: ${result.error}`;
          this.deps.record(head, result, { error });
          this.deps.events.emit({ type: 'warning', message: `#${head.requestId} not delivered to ${this.deps.target}: ${error}` });
          head.settle();
        } else {
          if (!down) this.announce('unreachable');
          down = true;
          this.deps.record(head, result, { waiting: this.waiting.length });
        }
        continue;
      }
      this.waiting.shift();
      if (down) this.announce('reachable');
      down = false;
      this.deps.record(head, result, {});
      head.settle();
      // Next in line goes at once: the app is up.
      retries = 0;
    }
    this.looping = false;
  }

  private giveUpAll(): void {
    const error = `not delivered: hookdev stopped while ${this.deps.target} was unreachable`;
    for (const job of this.waiting.splice(0)) {
      this.deps.record(job, { ...NOT_SENT, startedAt: this.deps.clock(), error }, { error });
      job.settle();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
