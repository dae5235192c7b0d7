/**
 * A TCP proxy between client and relay that can make live connections silently dead (`blackhole`:
 * bytes are swallowed, sockets stay open, like a laptop lid closing) or drop them at once (`kill`).
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** ws://127.0.0.1:<port>/_hookdev/connect style URL with the relay's path. */
  url(path: string): string;
  /** Existing connections stop passing bytes either way; new connections work normally. */
  blackhole(): void;
  /** Destroy existing connections. */
  kill(): void;
  /** Refuse new connections from now on (existing ones are untouched). */
  refuse(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<{ a: net.Socket; b: net.Socket; dead: boolean }>();
  let refusing = false;
  const server = net.createServer((a) => {
    if (refusing) return void a.destroy();
    const b = net.connect(targetPort, targetHost);
    const pair = { a, b, dead: false };
    pairs.add(pair);
    a.on('data', (d) => {
      if (!pair.dead) b.write(d);
    });
    b.on('data', (d) => {
      if (!pair.dead) a.write(d);
    });
    // A blackholed connection passes no FIN/RST either way: each side must notice by itself.
    a.on('close', () => {
      if (!pair.dead) b.destroy();
      if (b.destroyed) pairs.delete(pair);
    });
    b.on('close', () => {
      if (!pair.dead) a.destroy();
      if (a.destroyed) pairs.delete(pair);
    });
    a.on('error', () => {});
    b.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    blackhole: () => {
      for (const p of pairs) p.dead = true;
    },
    kill: () => {
      for (const p of [...pairs]) {
        p.a.destroy();
        p.b.destroy();
      }
    },
    refuse: () => {
      refusing = true;
    },
    close: async () => {
      refusing = true;
      for (const p of [...pairs]) {
        p.a.destroy();
        p.b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
