import { Agent, Client, type Dispatcher } from 'undici';

export interface PoolOptions {
  connectTimeoutMs: number;
}

/**
 * The kept-alive pool to the app. node:http servers close idle sockets after 5 s (keepAliveTimeout) and say so
 * in `Keep-Alive: timeout=5`; we stop reusing a socket a second before the app's hint (threshold 1 s), and after
 * 4 s when there is no hint, so we rarely write into a socket the app is closing. The rare race left is handled
 * by one resend on a fresh connection (exchange.ts).
 */
export function createPool(opts: PoolOptions): Agent {
  return new Agent({
    connect: { timeout: opts.connectTimeoutMs },
    keepAliveTimeout: 4_000,
    keepAliveTimeoutThreshold: 1_000,
    keepAliveMaxTimeout: 600_000,
    connections: 32,
  });
}

/** A single-use connection for the resend after a stale socket. */
export function createFreshClient(origin: string, opts: PoolOptions): Dispatcher & { destroy(): Promise<void> } {
  return new Client(origin, { connect: { timeout: opts.connectTimeoutMs }, pipelining: 1 });
}
