/**
 * Relay counters, rendered by hand in the Prometheus text exposition format (no prom-client).
 *
 * Channel names are secrets (the unguessable part of a public URL), so no series ever carries one: the public
 * exposition is aggregates only, and the per-channel series, rendered only for a caller that presented a relay
 * token or the metrics token (`detail: true`), are labelled with the channel's tag (`channel="ch_…"`), since an
 * authorized reader's scrapes still end up in a monitoring system's storage.
 */
import type { ChannelTag } from './channel-tag.js';
import type { Depth } from './relay-store.js';

/** Seconds; from a fast local app to GitHub's 10 s timeout and our own 25 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];

export interface MetricsSnapshot {
  connectedClients: number;
  /** Queue depth of the channels this instance reports (all of them on SQLite; the ones it leases on Redis). */
  depths: Array<[ChannelTag, Depth]>;
  /** Per-channel series as well (the caller is authorized). */
  detail: boolean;
}

export class RelayMetrics {
  private readonly byStatus = new Map<number, number>();
  /** Per channel tag, then per status: no key string built per request. */
  private readonly byChannel = new Map<ChannelTag, Map<number, number>>();
  private readonly bucketCounts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;
  private authFailures = 0;
  private leaseTakeovers = 0;
  private storeErrors = 0;
  private handoffs = 0;
  /** `instance="…"` on every series when several instances share a store (empty for a lone relay). */
  private readonly base: string;

  constructor(instance?: string) {
    this.base = instance ? `instance="${esc(instance)}"` : '';
  }

  /** `channel` is null for requests that named no known channel. */
  countRequest(channel: ChannelTag | null, status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (channel === null) return;
    let statuses = this.byChannel.get(channel);
    if (!statuses) this.byChannel.set(channel, (statuses = new Map()));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  observeLatency(seconds: number): void {
    this.latencyCount += 1;
    this.latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) this.bucketCounts[i]! += 1;
  }

  countAuthFailure(): void {
    this.authFailures += 1;
  }

  /** A client moved to this instance and took its channel's lease from another one. */
  countLeaseTakeover(): void {
    this.leaseTakeovers += 1;
  }

  countStoreError(): void {
    this.storeErrors += 1;
  }

  /** A request answered through another instance (its sender on one, its client on the other). */
  countHandoff(): void {
    this.handoffs += 1;
  }

  render(s: MetricsSnapshot): string {
    const out: string[] = [];
    const l = (extra = ''): string => {
      const all = [this.base, extra].filter((x) => x !== '').join(',');
      return all ? `{${all}}` : '';
    };
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`);
      out.push(`# TYPE ${name} ${type}`);
    };
    family('hookdev_relay_requests_total', 'counter', 'Requests answered on the public URL, by status.');
    for (const [status, n] of [...this.byStatus].sort((a, b) => a[0] - b[0]))
      out.push(`hookdev_relay_requests_total${l(`status="${status}"`)} ${n}`);
    family('hookdev_relay_tunnel_latency_seconds', 'histogram', 'Time from a request reaching the relay to the client answer.');
    LATENCY_BUCKETS.forEach((le, i) =>
      out.push(`hookdev_relay_tunnel_latency_seconds_bucket${l(`le="${le}"`)} ${this.bucketCounts[i]}`),
    );
    out.push(`hookdev_relay_tunnel_latency_seconds_bucket${l('le="+Inf"')} ${this.latencyCount}`);
    out.push(`hookdev_relay_tunnel_latency_seconds_sum${l()} ${this.latencySum}`);
    out.push(`hookdev_relay_tunnel_latency_seconds_count${l()} ${this.latencyCount}`);
    family('hookdev_relay_connected_clients', 'gauge', 'Clients connected over WebSocket.');
    out.push(`hookdev_relay_connected_clients${l()} ${s.connectedClients}`);
    let count = 0;
    let bytes = 0;
    for (const [, d] of s.depths) {
      count += d.count;
      bytes += d.bytes;
    }
    family('hookdev_relay_queue_depth', 'gauge', 'Requests stored and not yet acked (with a shared store: of the channels this instance leases).');
    out.push(`hookdev_relay_queue_depth${l()} ${count}`);
    family('hookdev_relay_queue_bytes', 'gauge', 'Body bytes stored and not yet acked.');
    out.push(`hookdev_relay_queue_bytes${l()} ${bytes}`);
    family('hookdev_relay_auth_failures_total', 'counter', 'WebSocket upgrades and metrics reads refused for a missing or wrong token.');
    out.push(`hookdev_relay_auth_failures_total${l()} ${this.authFailures}`);
    family('hookdev_relay_lease_takeovers_total', 'counter', 'Channel leases this instance took over from another instance.');
    out.push(`hookdev_relay_lease_takeovers_total${l()} ${this.leaseTakeovers}`);
    family('hookdev_relay_store_errors_total', 'counter', 'Operations on the shared store that failed (Redis unreachable, timeouts).');
    out.push(`hookdev_relay_store_errors_total${l()} ${this.storeErrors}`);
    family('hookdev_relay_handoffs_total', 'counter', 'Requests whose client answer crossed to another instance.');
    out.push(`hookdev_relay_handoffs_total${l()} ${this.handoffs}`);
    if (s.detail) {
      family('hookdev_relay_channel_requests_total', 'counter', 'Requests by channel tag and status (authorized readers only).');
      for (const [channel, statuses] of this.byChannel)
        for (const [status, n] of statuses)
          out.push(`hookdev_relay_channel_requests_total${l(`channel="${esc(channel)}",status="${status}"`)} ${n}`);
      family('hookdev_relay_channel_queue_depth', 'gauge', 'Requests stored and not yet acked, by channel tag (authorized readers only).');
      for (const [channel, d] of s.depths) out.push(`hookdev_relay_channel_queue_depth${l(`channel="${esc(channel)}"`)} ${d.count}`);
      family('hookdev_relay_channel_queue_bytes', 'gauge', 'Body bytes stored and not yet acked, by channel tag (authorized readers only).');
      for (const [channel, d] of s.depths) out.push(`hookdev_relay_channel_queue_bytes${l(`channel="${esc(channel)}"`)} ${d.bytes}`);
    }
    return out.join('\n') + '\n';
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
