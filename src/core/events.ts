import type { Answer, Delivery, IncomingWebhook, Verdict } from './types.js';

/** What the engine tells renderers (human log, NDJSON, Ink UI). The engine never prints. */
export type PipelineEvent =
  | { type: 'listening'; url: string; door: 'http' | 'relay'; detail?: Record<string, unknown> }
  | {
      type: 'request';
      id: number;
      incoming: IncomingWebhook;
      verdict: Verdict | null;
      duplicateOf: number | null;
      answer: Answer | null;
    }
  | { type: 'delivery'; requestId: number; delivery: Omit<Delivery, 'id'> & { id?: number }; waiting?: number }
  | { type: 'state'; component: string; state: string; message: string; detail?: Record<string, unknown> }
  /** The relay's end-to-end probe came back through the public URL: routine, so the logs stay quiet; the UI shows its age. */
  | { type: 'probe'; ms: number }
  | { type: 'warning'; message: string; detail?: Record<string, unknown> }
  | { type: 'error'; message: string; detail?: Record<string, unknown> };

export type EventListener = (event: PipelineEvent) => void;

/** A tiny typed fan-out: renderers subscribe, the engine emits. A throwing listener never breaks the engine. */
export class EventHub {
  private listeners = new Set<EventListener>();

  subscribe(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(event: PipelineEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch {
        // A renderer bug must not lose a request.
      }
    }
  }
}
