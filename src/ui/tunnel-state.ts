import type { PipelineEvent } from '../core/events.js';
import type { TunnelState } from '../tunnel/client.js';

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
      return { type: 'state', component: 'relay', state: 'offline', message: `offline: ${s.reason} (the relay queues meanwhile)` };
    case 'reconnecting':
      return {
        type: 'state', component: 'relay', state: 'reconnecting',
        message: `reconnecting in ${Math.max(1, Math.round(s.delayMs / 1000))}s (attempt ${s.attempt})`,
        detail: { delayMs: s.delayMs, attempt: s.attempt },
      };
    case 'degraded':
      return { type: 'warning', message: `relay looks connected but a probe through the public URL failed: ${s.reason}` };
    case 'failed':
      return { type: 'error', message: s.error.message };
    case 'closed':
      return null;
  }
}

/** The tunnel client's log entries as events; routine ones (probe ok) stay quiet, refusals arrive as states. */
export function describeTunnelLog(entry: Record<string, unknown>): PipelineEvent | null {
  const { event, ...detail } = entry;
  switch (event) {
    case 'tunnel-probe-ok':
    case 'tunnel-refused':
      return null;
    case 'tunnel-heartbeat-timeout':
      return { type: 'warning', message: `relay connection went silent for ${detail.silentMs} ms; reconnecting`, detail };
    case 'tunnel-probe-failed':
      return { type: 'warning', message: `probe through the public URL failed: ${String(detail.message)}`, detail };
    default:
      return { type: 'warning', message: `relay: ${String(event)}${detail.error ? `: ${String(detail.error)}` : ''}`, detail };
  }
}
