/** Relay counters, rendered by hand in the Prometheus text exposition format (no prom-client). */
import type { Depth } from './relay-queue.js';

/** Seconds; from a fast local app to GitHub's 10 s timeout and our own 25 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];

export interface MetricsSnapshot {
  connectedClients: number;
  depths: Array<[string, Depth]>;
}

export class RelayMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bucketCounts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;
  private authFailures = 0;

  /** `channel` is '' for requests that named no known channel. */
  countRequest(channel: string, status: number): void {
    const key = `${channel}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  observeLatency(seconds: number): void {
    this.latencyCount += 1;
    this.latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) this.bucketCounts[i]! += 1;
  }

  countAuthFailure(): void {
    this.authFailures += 1;
  }

  render(s: MetricsSnapshot): string {
    const out: string[] = [];
    out.push('# HELP hookdev_relay_requests_total Requests answered on the public URL, by channel and status.');
    out.push('# TYPE hookdev_relay_requests_total counter');
    for (const [key, n] of this.requests) {
      const [channel, status] = key.split('\u0000');
      out.push(`hookdev_relay_requests_total{channel="${esc(channel!)}",status="${status}"} ${n}`);
    }
    out.push('# HELP hookdev_relay_tunnel_latency_seconds Time from a request reaching the relay to the client answer.');
    out.push('# TYPE hookdev_relay_tunnel_latency_seconds histogram');
    LATENCY_BUCKETS.forEach((le, i) =>
      out.push(`hookdev_relay_tunnel_latency_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`),
    );
    out.push(`hookdev_relay_tunnel_latency_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    out.push(`hookdev_relay_tunnel_latency_seconds_sum ${this.latencySum}`);
    out.push(`hookdev_relay_tunnel_latency_seconds_count ${this.latencyCount}`);
    out.push('# HELP hookdev_relay_connected_clients Clients connected over WebSocket.');
    out.push('# TYPE hookdev_relay_connected_clients gauge');
    out.push(`hookdev_relay_connected_clients ${s.connectedClients}`);
    out.push('# HELP hookdev_relay_queue_depth Requests stored and not yet acked, by channel.');
    out.push('# TYPE hookdev_relay_queue_depth gauge');
    for (const [channel, d] of s.depths) out.push(`hookdev_relay_queue_depth{channel="${esc(channel)}"} ${d.count}`);
    out.push('# HELP hookdev_relay_queue_bytes Body bytes stored and not yet acked, by channel.');
    out.push('# TYPE hookdev_relay_queue_bytes gauge');
    for (const [channel, d] of s.depths) out.push(`hookdev_relay_queue_bytes{channel="${esc(channel)}"} ${d.bytes}`);
    out.push('# HELP hookdev_relay_auth_failures_total WebSocket upgrades refused for a missing or wrong token.');
    out.push('# TYPE hookdev_relay_auth_failures_total counter');
    out.push(`hookdev_relay_auth_failures_total ${this.authFailures}`);
    return out.join('\n') + '\n';
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
