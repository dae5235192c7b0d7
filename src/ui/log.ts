import type { ChalkInstance } from 'chalk';
import { formatBytes, formatMs } from '../core/duration.js';
import type { PipelineEvent } from '../core/events.js';
import type { SignatureStatus } from '../core/types.js';
import { secretEnvName } from '../core/secrets.js';
import { deliveryEventJson, incomingEventJson } from './json.js';

function time(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

function statusColour(c: ChalkInstance, status: number | null): string {
  if (status === null) return c.red('—');
  const s = String(status);
  return status < 300 ? c.green(s) : status < 500 ? c.yellow(s) : c.red(s);
}

export function signatureMark(c: ChalkInstance, status: SignatureStatus | null, reason: string | null): string {
  switch (status) {
    case 'valid':
      return c.green('✓ signed');
    case 'invalid':
      return c.red(`✗ ${reason ?? 'invalid signature'}`);
    case 'no-secret':
      return c.yellow('? no secret');
    case 'unsigned':
      return c.dim('unsigned');
    default:
      return '';
  }
}

/** One human line per event, or null for events the log does not show. */
export function humanLine(c: ChalkInstance, event: PipelineEvent): string | null {
  switch (event.type) {
    case 'listening': {
      if (event.door === 'relay') return `${c.bold('public URL')} ${c.cyan(event.url)}  ${c.dim('(relay: register this at the provider)')}`;
      const d = event.detail ?? {};
      const lines = [`${c.bold('hookdev')} listening on ${c.cyan(event.url)}`];
      const targets = Array.isArray(d.forwardTo) ? d.forwardTo.filter((t): t is string => typeof t === 'string') : [];
      if (targets.length) lines.push(`forwarding to ${targets.map((t) => c.cyan(t)).join(', ')}`);
      const secrets = d.secrets && typeof d.secrets === 'object' ? Object.entries(d.secrets as Record<string, unknown>) : [];
      // Masked before they reach the event (last 4 characters only).
      if (secrets.length) lines.push(`secrets: ${secrets.map(([p, list]) => `${p} ${Array.isArray(list) ? list.join(' ') : ''}`.trim()).join(', ')}`);
      if (typeof d.db === 'string') lines.push(c.dim(`history ${d.db} · \`hookdev list\`, \`hookdev show last\` in another terminal`));
      return lines.join('\n');
    }
    case 'request': {
      const { incoming, verdict, answer } = event;
      const size = incoming.rejected ? (incoming.declaredSize ?? 0) : incoming.body.length;
      const parts = [
        c.dim(time(incoming.receivedAt)),
        c.dim(`#${event.id}`),
        c.bold(incoming.method.padEnd(6)),
        incoming.url,
        c.dim(formatBytes(size)),
        statusColour(c, answer?.status ?? null),
      ];
      if (verdict?.provider) parts.push(c.magenta(verdict.provider) + (verdict.eventType ? ` ${verdict.eventType}` : ''));
      if (verdict?.status === 'no-secret' && verdict.provider) {
        // Name what to set, as `show` does: the line is where people first see it.
        const p = verdict.provider;
        parts.push(c.yellow(`? no secret: --secret ${p}=… or ${secretEnvName(p)}`));
      } else if (verdict) parts.push(signatureMark(c, verdict.status, verdict.reason));
      if (event.duplicateOf) parts.push(c.yellow(`duplicate of #${event.duplicateOf}`));
      if (incoming.rejected) parts.push(c.red(incoming.rejected.reason));
      if (incoming.source === 'relay') parts.push(c.dim('via relay'));
      return parts.filter(Boolean).join('  ');
    }
    case 'delivery': {
      const d = event.delivery;
      const result = d.error ? c.red(`✗ ${d.error}`) : `${statusColour(c, d.status)} ${c.dim(formatMs(d.durationMs ?? 0))}`;
      const waiting = event.waiting ? c.yellow(` (${event.waiting} waiting)`) : '';
      return `${c.dim(`#${event.requestId}`)}  → ${d.target}  ${result}${waiting}`;
    }
    case 'state':
      return c.cyan(`[${event.component}] ${event.message}`);
    case 'probe':
      return null; // routine: the tunnel's state lines say when it is not
    case 'warning':
      return c.yellow(`warning: ${event.message}`);
    case 'error':
      return c.red(`error: ${event.message}`);
  }
}

/** One NDJSON object per event; none for a routine probe. */
export function jsonLine(event: Exclude<PipelineEvent, { type: 'probe' }>): string;
export function jsonLine(event: PipelineEvent): string | null;
export function jsonLine(event: PipelineEvent): string | null {
  switch (event.type) {
    case 'listening':
      return JSON.stringify({ event: 'listening', url: event.url, door: event.door, ...event.detail });
    case 'request':
      return JSON.stringify(
        incomingEventJson(event.id, event.incoming, event.verdict, event.duplicateOf, event.answer?.status ?? null),
      );
    case 'delivery':
      return JSON.stringify(deliveryEventJson(event.requestId, event.delivery, event.waiting ?? 0));
    case 'state':
      return JSON.stringify({ event: 'state', component: event.component, state: event.state, message: event.message, ...event.detail });
    case 'probe':
      return null;
    case 'warning':
      return JSON.stringify({ event: 'warning', message: event.message, ...event.detail });
    case 'error':
      return JSON.stringify({ event: 'error', message: event.message, ...event.detail });
  }
}

/** One `hookdev replay` send, for a person: `#id  → target  status duration (copy n of N)`. */
export function replayLine(c: ChalkInstance, event: Extract<PipelineEvent, { type: 'delivery' }>, times: number): string {
  const d = event.delivery;
  const copy = times > 1 ? c.dim(` (copy ${d.attempt} of ${times})`) : '';
  const ok = d.status !== null && d.status >= 200 && d.status < 300;
  const result = d.status === null ? c.red(`✗ ${d.error}`) : `${ok ? c.green(d.status) : c.red(d.status)} ${c.dim(formatMs(d.durationMs ?? 0))}`;
  return `${c.dim(`#${event.requestId}`)}  → ${d.target}  ${result}${copy}`;
}
