import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { EventHub, type PipelineEvent } from '../../src/core/events.js';
import type { HeaderList } from '../../src/core/types.js';
import type { Forwarder, ForwarderOptions } from '../../src/forward/index.js';
import { startListener, type RunningListener } from '../../src/listener.js';
import { DEFAULT_RESPONSE } from '../../src/pipeline.js';
import { makeTempDir } from './tmp.js';

/** What the fake app saw. */
export interface AppRequest {
  method: string;
  url: string;
  headers: HeaderList;
  body: Buffer;
  socket: Socket;
}

export type AppHandler = (req: AppRequest, res: ServerResponse) => void;

export interface TestApp {
  url: string;
  port: number;
  received: AppRequest[];
  /** Sockets the app accepted, in order (to see connection reuse). */
  sockets: Socket[];
  server: Server;
  handler: AppHandler;
  start(port?: number): Promise<void>;
  stop(): Promise<void>;
}

const okHandler: AppHandler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('ok');
};

/** A real node:http app on 127.0.0.1 that records every request byte-exact. Restartable on the same port. */
export async function startApp(handler: AppHandler = okHandler, opts: { keepAliveTimeout?: number } = {}): Promise<TestApp> {
  const app: TestApp = {
    url: '',
    port: 0,
    received: [],
    sockets: [],
    server: null as unknown as Server,
    handler,
    async start(port = 0) {
      const server = createServer({ keepAliveTimeout: opts.keepAliveTimeout ?? 5000 }, (req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const headers: HeaderList = [];
          for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
          const r = { method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks), socket: req.socket };
          app.received.push(r);
          app.handler(r, res);
        });
      });
      server.on('connection', (s) => app.sockets.push(s));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      app.server = server;
      app.port = (server.address() as AddressInfo).port;
      app.url = `http://127.0.0.1:${app.port}`;
    },
    async stop() {
      const s = app.server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
  await app.start();
  return app;
}

/**
 * A minimal raw-TCP HTTP/1.1 app to stage the idle keep-alive race deterministically: each connection answers its
 * first request (kept alive, no Keep-Alive hint), and on a later request does `onReuse` instead of answering:
 * 'close' drops the socket (as if the app's idle timer had just fired), '408' answers like node:http's idle timeout.
 */
export async function startRacyApp(onReuse: 'close' | '408'): Promise<{ url: string; answered: number; connections: number; stop(): Promise<void> }> {
  const state = { url: '', answered: 0, connections: 0, stop: async () => undefined };
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    let served = 0;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.subarray(end + 4 + len);
        if (served++ === 0) {
          state.answered++;
          socket.write('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok');
        } else if (onReuse === '408') {
          socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        } else {
          socket.destroy();
          return;
        }
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise<undefined>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve(undefined));
    });
  return state;
}

/** A port with nothing listening (bound once, then released). */
export async function deadPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface TestListener {
  listener: RunningListener;
  url: string;
  events: PipelineEvent[];
  forwarder: Forwarder;
  dbPath: string;
  close(): Promise<void>;
}

/** The real listener (capture server → pipeline → SQLite in a temp dir) with a forwarder built from `fwd`. */
export async function startForwardingListener(
  fwd: Omit<ForwarderOptions, 'deliveries' | 'events'>,
  opts: { passthrough?: boolean; secrets?: Record<string, string[]> } = {},
): Promise<TestListener> {
  const tmp = makeTempDir('hookdev-forward-');
  const hub = new EventHub();
  const events: PipelineEvent[] = [];
  hub.subscribe((e) => events.push(e));
  const dbPath = tmp.path('history.db');
  const listener = await startListener(
    {
      host: '127.0.0.1',
      port: 0,
      dbPath,
      response: DEFAULT_RESPONSE,
      limits: {},
      secrets: opts.secrets ?? {},
      providerHints: [],
      generic: [],
      passthrough: opts.passthrough ?? false,
      forward: fwd,
      relay: null,
    },
    hub,
  );
  return {
    listener,
    url: listener.url,
    events,
    forwarder: listener.forwarder!,
    dbPath,
    async close() {
      await listener.close();
      await listener.forwarder?.close();
      tmp.cleanup();
    },
  };
}

/** Deliveries of kind forward for a request, read back from SQLite (queued rows written first). */
export function deliveriesOf(t: TestListener, requestId: number) {
  t.listener.writes.flush();
  return t.listener.store.deliveries(requestId);
}
