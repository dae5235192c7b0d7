// How the tunnel client's typed states and reports join the one event stream (PipelineEvent) that every renderer consumes.
import type { PipelineEvent } from '../core/events.js';
import type { TunnelEvent, TunnelState } from './client.js';
import { formatDelay } from '../core/duration.js';

/** Tunnel states as events for the renderers: the user must always see whether the tunnel is alive. */
export function describeTunnelState(s: TunnelState): PipelineEvent | null {
  switch (s.state) {
    case 'connecting':
      return s.attempt > 1 ? null : { type: 'state', component: 'relay', state: 'connecting', message: 'connecting to the relay…' };
    case 'connected':
      return {
        type: 'state', component: 'relay', state: 'connected',
        message: s.queued ? `connected: ${s.queued} queued at relay, delivering` : 'connected',
        detail: { publicUrl: s.publicUrl, queued: s.queued },
      };
    case 'offline':
      return {
        type: 'state', component: 'relay', state: 'offline',
        message: s.relayQueues ? `offline: ${s.reason} (the relay queues meanwhile)` : `cannot reach the relay: ${s.reason}`,
      };
    case 'waiting':
      return {
        type: 'state', component: 'relay', state: 'waiting',
        message: `waiting for the channel: ${s.reason}; asking again in ${formatDelay(s.delayMs)}`,
        detail: { delayMs: s.delayMs },
      };
    case 'reconnecting':
      return {
        type: 'state', component: 'relay', state: 'reconnecting',
        message: `reconnecting in ${formatDelay(s.delayMs)} (attempt ${s.attempt})`,
        detail: { delayMs: s.delayMs, attempt: s.attempt },
      };
    case 'degraded':
      return { type: 'warning', message: `relay looks connected, but requests do not get through: ${s.reason}`, detail: { component: 'relay', state: 'degraded' } };
    case 'failed':
      return { type: 'error', message: s.error.message };
    case 'closed':
      return null;
  }
}

/** The tunnel client's other reports as events (a probe that came back is one the logs do not print). */
export function describeTunnelLog(e: TunnelEvent): PipelineEvent | null {
  switch (e.event) {
    case 'probe-ok':
      return { type: 'probe', ms: e.ms };
    case 'bad-frame':
      return { type: 'warning', message: `relay sent a frame this version cannot read: ${e.error}` };
    case 'handler-error':
      return { type: 'error', message: `could not handle a relayed request (the relay keeps it): ${e.error}`, detail: { relayId: e.relayId } };
    case 'onstate-error':
      return { type: 'warning', message: `tunnel state renderer failed: ${e.error}` };
  }
}
