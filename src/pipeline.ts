import { EventHub, type PipelineEvent } from './core/events.js';
import { afterAnswers, beforeCommit } from './core/turn.js';
import type { Answer, HeaderList, IncomingWebhook, Verdict } from './core/types.js';
import type { InsertResult, WriteBatcher } from './store/index.js';

/** How the sender is answered when the app's own response is not passed through. */
export interface ResponsePolicy {
  status: number;
  headers: HeaderList;
  body: Buffer;
  /** Wait this long after the commit before answering (to test a sender's timeout handling). */
  delayMs: number;
}

export const DEFAULT_RESPONSE: ResponsePolicy = {
  status: 200,
  headers: [],
  body: Buffer.alloc(0),
  delayMs: 0,
};

/** What the pipeline asks of the forwarding layer; kept as an interface so the pipeline stays small. */
export interface Deliverer {
  /**
   * Called after the commit. With passthrough, resolves to the app's answer, and the delivery row it records keeps
   * that answer's status (NewDelivery.answerStatus); else the result is ignored.
   */
  deliver(id: number, incoming: IncomingWebhook, verdict: Verdict | null, passthrough: boolean): Promise<Answer | null>;
  /**
   * Passthrough for a live request: the exchange with the app starts now, while the request is being committed
   * (`recorded` resolves to its history id once it is, or to null if the commit failed; it never rejects). Resolves
   * to the app's answer, or null when there is nothing to forward to.
   */
  passthrough(recorded: Promise<number | null>, incoming: IncomingWebhook, verdict: Verdict | null): Promise<Answer | null>;
  drain(): Promise<void>;
  /** Shutdown, called once: stop retrying, settle what is in flight (briefly), release connections. */
  close?(): Promise<void>;
}

export interface PipelineOptions {
  /** The history's one write batcher: requests are recorded through it, answer statuses queued on it. */
  writes: WriteBatcher;
  /** Signature analysis: pure, given the request; null when nothing is configured. */
  analyze?: (incoming: IncomingWebhook) => Verdict | null;
  response?: ResponsePolicy;
  deliverer?: Deliverer;
  /** Answer the sender with the app's response (ngrok style) instead of the configured one. */
  passthrough?: boolean;
  events?: EventHub;
}

/**
 * record → verify → deliver → answer, the same for every door. With passthrough, deliver starts while the record is
 * committed (the sender's answer still waits for the commit); otherwise after it.
 */
export class Pipeline {
  readonly events: EventHub;
  private readonly response: ResponsePolicy;
  /** The configured answer, built once: it is the same for every request. */
  private readonly fixedAnswer: Answer;

  constructor(private readonly options: PipelineOptions) {
    this.events = options.events ?? new EventHub();
    this.response = options.response ?? DEFAULT_RESPONSE;
    const r = this.response;
    this.fixedAnswer = { status: r.status, headers: r.headers, body: r.body };
  }

  /** Resolves to the answer for the sender, only after the request is committed. */
  readonly handle = async (incoming: IncomingWebhook): Promise<Answer> => {
    // Verification is pure and cheap, so it runs before the write: one row holds request and verdict.
    const verdict = incoming.rejected ? null : this.verify(incoming);
    const deliverer = this.options.deliverer;
    const passthrough = Boolean(deliverer && this.options.passthrough);
    let result: InsertResult;
    let early: Promise<Answer | null> | null = null;
    try {
      // A refused request (413) is answered with the refusal, not the configured status: store what is sent.
      const responseStatus = incoming.rejected ? incoming.rejected.status : passthrough ? null : this.response.status;
      const recorded = this.options.writes.record({ incoming, verdict, responseStatus });
      // Passthrough: the app gets the request while it is committed, not after; the sender's answer still waits
      // for both. A relay backlog goes in turn, after its commit.
      if (passthrough && !incoming.rejected && !incoming.queued) {
        early = this.forwardBeforeCommit(deliverer!, recorded.then(idOf, notKept), incoming, verdict);
        early.catch(noop); // handled now: it is awaited only after the commit, and not at all if the commit fails
      }
      result = await recorded;
    } catch (err) {
      this.events.emit({ type: 'error', message: `could not save request: ${(err as Error).message}` });
      // Not committed, so not acknowledged: the sender will retry.
      return { status: 503, headers: [['Retry-After', '1']], body: Buffer.from('hookdev could not save the request\n') };
    }
    if (incoming.rejected) {
      const answer = textAnswer(incoming.rejected.status, `${incoming.rejected.reason}\n`);
      this.announce({ type: 'request', id: result.id, incoming, verdict, duplicateOf: null, answer });
      return answer;
    }
    if (result.redelivered) {
      // The relay sent it again (it had not seen our ack): already in the history, answer as before (with the app's
      // answer if it was already passed through).
      return (early ? await early : null) ?? this.configuredAnswer();
    }
    let answer: Answer | null = null;
    if (early) answer = await early;
    else if (deliverer) {
      if (passthrough) answer = await deliverer.deliver(result.id, incoming, verdict, true);
      else this.deliverLater(() => deliverer.deliver(result.id, incoming, verdict, false));
    }
    if (!answer) {
      const configured = this.configuredAnswer();
      answer = configured instanceof Promise ? await configured : configured;
    }
    this.announce({ type: 'request', id: result.id, incoming, verdict, duplicateOf: result.duplicateOf, answer });
    return answer;
  };

  private verify(incoming: IncomingWebhook): Verdict | null {
    if (!this.options.analyze) return null;
    try {
      return this.options.analyze(incoming);
    } catch (err) {
      this.events.emit({ type: 'error', message: `signature check failed unexpectedly: ${(err as Error).message}` });
      return null;
    }
  }

  private earlyForwards: Array<() => void> = [];

  /**
   * The turn's passthrough forwards leave together, just ahead of its group commit (core/turn.ts, beforeCommit): the
   * app works on them while the commit runs. Written one by one as read, the app woke per request and answered in
   * small groups, and the turns after had less to batch.
   */
  private forwardBeforeCommit(
    deliverer: Deliverer,
    recorded: Promise<number | null>,
    incoming: IncomingWebhook,
    verdict: Verdict | null,
  ): Promise<Answer | null> {
    return new Promise((resolve) => {
      const start = (): void => resolve(deliverer.passthrough(recorded, incoming, verdict));
      if (this.earlyForwards.push(start) === 1)
        beforeCommit(() => {
          const starts = this.earlyForwards;
          this.earlyForwards = [];
          for (const s of starts) s();
        });
    });
  }

  private pendingEvents: PipelineEvent[] = [];
  private pendingDeliveries: Array<() => Promise<unknown>> = [];

  /**
   * Default mode: the sender is answered after the commit, so the forward starts after this turn's answers
   * are written (in arrival order) instead of in front of them.
   */
  private deliverLater(start: () => Promise<unknown>): void {
    if (this.pendingDeliveries.push(start) === 1) afterAnswers(() => this.startDeliveries());
  }

  private startDeliveries(): void {
    const starts = this.pendingDeliveries;
    this.pendingDeliveries = [];
    for (const start of starts) start().catch(() => undefined);
  }

  /**
   * Request events go out after this turn's answers are written: rendering a log line can wait, the
   * sender should not (under load this is the difference between answering in one turn or the next).
   */
  private announce(event: PipelineEvent): void {
    if (this.pendingEvents.push(event) === 1) {
      afterAnswers(() => {
        const events = this.pendingEvents;
        this.pendingEvents = [];
        for (const e of events) this.events.emit(e);
      });
    }
  }

  private configuredAnswer(): Answer | Promise<Answer> {
    const delay = this.response.delayMs;
    if (delay <= 0) return this.fixedAnswer;
    return new Promise((res) => setTimeout(() => res(this.fixedAnswer), delay));
  }

  /** Wait until every accepted request is written and every delivery settled. */
  async drain(): Promise<void> {
    await this.options.writes.drain();
    this.startDeliveries();
    await this.options.deliverer?.drain();
    // Delivery rows and statuses of the deliveries just settled.
    await this.options.writes.drain();
  }

  /** Write what was accepted, then shut the deliverer down (it gives up on retries at once, see Forwarder.close). */
  async close(): Promise<void> {
    await this.options.writes.drain();
    this.startDeliveries();
    const d = this.options.deliverer;
    if (d?.close) await d.close();
    else await d?.drain();
    // Delivery rows and statuses of the deliveries just settled (or given up).
    await this.options.writes.drain();
  }
}

const idOf = (r: InsertResult): number => r.id;
/** Handled where it is made: a commit that fails before the app answers must not be an unhandled rejection. */
const notKept = (): null => null;
const noop = (): void => undefined;

export function textAnswer(status: number, text: string): Answer {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(text) };
}
