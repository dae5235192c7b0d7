/**
 * The "ordinary load balancer" in front of several relay instances: a TCP proxy that sends each new connection to
 * the next backend in order, skipping backends that refuse it (a dead instance). Loopback only.
 */
import net from 'node:net';

export interface Balancer {
  port: number;
  /** ws:// URL of the relays' connect path through the balancer. */
  wsUrl: string;
  /** Backend ports each accepted connection went to, in order. */
  routed: number[];
  /** Next connections go to this backend first (then the rest, in order). */
  prefer(port: number): void;
  close(): Promise<void>;
}

export async function startBalancer(backends: number[]): Promise<Balancer> {
  let order = [...backends];
  const routed: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((a) => {
    sockets.add(a);
    a.on('close', () => sockets.delete(a));
    a.on('error', () => {});
    a.pause();
    const tryAt = (i: number): void => {
      if (i >= order.length) return void a.destroy();
      const port = order[i]!;
      const b = net.connect(port, '127.0.0.1');
      let connected = false;
      b.once('error', () => {
        if (!connected) tryAt(i + 1);
      });
      b.once('connect', () => {
        connected = true;
        routed.push(port);
        sockets.add(b);
        b.on('close', () => {
          sockets.delete(b);
          a.destroy();
        });
        b.on('error', () => {});
        a.on('close', () => b.destroy());
        a.pipe(b);
        b.pipe(a);
        a.resume();
      });
    };
    tryAt(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    routed,
    prefer(p: number) {
      order = [p, ...backends.filter((x) => x !== p)];
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
