// The lean HTTP/1.1 client send uses for http: targets, against real servers on 127.0.0.1:0: node:http ones for
// ordinary answers, raw TCP ones for framing and failures node:http would not produce.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { H1Agent } from '../../../src/forward/h1-client.js';
import type { OutgoingRequest } from '../../../src/forward/exchange.js';

const servers: Array<HttpServer | NetServer> = [];
const agents: H1Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
  for (const s of servers.splice(0)) {
    (s as HttpServer).closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const listen = async <S extends HttpServer | NetServer>(s: S): Promise<{ server: S; port: number }> => {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { server: s, port: (s.address() as AddressInfo).port };
};

const agent = (opts: { keepBytes?: number; connections?: number } = {}): H1Agent => {
  const a = new H1Agent({ connectTimeoutMs: 2_000, keepBytes: opts.keepBytes ?? 65_536, connections: opts.connections });
  agents.push(a);
  return a;
};

const post = (port: number, body = '{"id":"evt_1"}', headers: Array<[string, string]> = [['Content-Type', 'application/json']]): OutgoingRequest => ({
  url: `http://127.0.0.1:${port}/webhooks?x=1`,
  method: 'POST',
  headers,
  body: Buffer.from(body),
});

/** A raw TCP server: `onRequest` gets the socket and the request bytes once a whole request head + body arrived. */
async function rawServer(onRequest: (sock: Socket, n: number) => void): Promise<{ port: number; connections: () => number; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  const { port } = await listen(
    createNetServer((sock) => {
      connections++;
      let buf = Buffer.alloc(0);
      sock.on('error', () => undefined);
      sock.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end === -1) return;
          const len = Number(/content-length: (\d+)/i.exec(buf.toString('latin1', 0, end))?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          buf = buf.subarray(end + 4 + len);
          onRequest(sock, ++requests);
        }
      });
    }),
  );
  return { port, connections: () => connections, requests: () => requests };
}

describe('H1Agent', () => {
  it('sends headers in order and case, the exact body, Host and Content-Length; reuses one kept-alive connection', async () => {
    const seen: Array<{ raw: string[]; body: string; url: string; socket: unknown }> = [];
    const { port } = await listen(
      createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ raw: req.rawHeaders, body: Buffer.concat(chunks).toString(), url: req.url!, socket: req.socket });
          res.writeHead(201, { 'X-Answer': 'yes', 'Content-Length': '5' });
          res.end('hello');
        });
      }),
    );
    const a = agent();
    const headers: Array<[string, string]> = [['Content-Type', 'application/json'], ['stripe-signature', 't=1,v1=ab'], ['X-Dup', 'a'], ['X-Dup', 'b']];
    for (let i = 0; i < 3; i++) {
      const r = await a.exchange(post(port, `{"n":${i}}`, headers), 5_000);
      expect(r).toMatchObject({ status: 201, error: null, failure: null, truncated: false });
      expect(r.body?.toString()).toBe('hello');
      expect(r.headers).toContainEqual(['X-Answer', 'yes']);
    }
    expect(seen.map((s) => s.body)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    expect(seen[0]!.url).toBe('/webhooks?x=1');
    expect(seen[0]!.raw).toEqual([
      'Host', `127.0.0.1:${port}`,
      'Content-Type', 'application/json', 'stripe-signature', 't=1,v1=ab', 'X-Dup', 'a', 'X-Dup', 'b',
      'Content-Length', '7',
    ]);
    // One connection carried all three.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it('reads chunked answers (with trailers), keeps at most keepBytes, and reuses the connection after', async () => {
    const sockets = new Set<unknown>();
    const { port } = await listen(
      createHttpServer((req, res) => {
        sockets.add(req.socket);
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Sum' });
          res.write('abc');
          res.write('x'.repeat(5000));
          res.addTrailers({ 'X-Sum': '1' });
          res.end('def');
        });
      }),
    );
    const a = agent({ keepBytes: 10 });
    const r = await a.exchange(post(port), 5_000);
    expect(r).toMatchObject({ status: 200, failure: null, truncated: true });
    expect(r.body?.toString()).toBe('abcxxxxxxx');
    const full = await agent().exchange(post(port), 5_000);
    expect(full.body?.toString()).toBe(`abc${'x'.repeat(5000)}def`);
    const again = await a.exchange(post(port), 5_000);
    expect(again.status).toBe(200);
    expect(sockets.size).toBe(2); // two agents, one connection each
  });

  it('skips 100 Continue, reads a body delimited by the close, and does not reuse that connection', async () => {
    const srv = await rawServer((sock, n) => {
      if (n === 1) {
        sock.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      } else {
        sock.end('HTTP/1.0 202 Accepted\r\nX-Old: 1\r\n\r\nuntil close');
      }
    });
    const a = agent();
    expect(await a.exchange(post(srv.port), 5_000)).toMatchObject({ status: 200, failure: null });
    const r = await a.exchange(post(srv.port), 5_000);
    expect(r).toMatchObject({ status: 202, failure: null });
    expect(r.body?.toString()).toBe('until close');
    expect((await a.exchange(post(srv.port), 5_000)).status).toBe(202);
    expect(srv.connections()).toBe(2); // the second answer ended its connection
  });

  it('Connection: close from the app: the next request goes on a new connection', async () => {
    const srv = await rawServer((sock) => sock.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    const a = agent();
    for (let i = 0; i < 3; i++) expect((await a.exchange(post(srv.port), 5_000)).status).toBe(200);
    expect(srv.connections()).toBe(3);
    expect(srv.requests()).toBe(3);
  });

  it('the app drops a kept-alive connection after answering: every request still gets its answer, each handled once', async () => {
    // Answers without Connection: close, then destroys the socket: the client may already have written the next
    // request into it (a reset before any answer), which is sent once more on a new connection.
    const srv = await rawServer((sock) => {
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', () => sock.destroy());
    });
    const a = agent({ connections: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, () => a.exchange(post(srv.port), 5_000)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(srv.requests()).toBe(10);
  });

  it('the app closes mid-answer: failed with the status seen, not resent', async () => {
    const srv = await rawServer((sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
    const r = await agent().exchange(post(srv.port), 5_000);
    expect(r).toMatchObject({ status: 200, failure: 'failed', error: 'connection closed before the answer was complete' });
    expect(srv.requests()).toBe(1);
  });

  it('the app resets every connection before answering: one resend, then failed', async () => {
    const srv = await rawServer((sock) => sock.resetAndDestroy());
    const r = await agent().exchange(post(srv.port), 5_000);
    expect(r.status).toBeNull();
    expect(r.failure).toBe('failed');
    expect(srv.requests()).toBe(2);
  });

  it('an app that never answers: a timeout, and the connection is not reused', async () => {
    const srv = await rawServer((sock, n) => {
      if (n > 1) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const a = agent();
    const r = await a.exchange(post(srv.port), 150);
    expect(r).toMatchObject({ status: null, failure: 'timeout', error: 'timed out after 150ms' });
    expect((await a.exchange(post(srv.port), 5_000)).status).toBe(200);
    expect(srv.connections()).toBe(2);
  });

  it('connection refused: unreachable', async () => {
    const { server, port } = await listen(createNetServer());
    await new Promise<void>((r) => server.close(() => r()));
    servers.pop();
    const r = await agent().exchange(post(port), 5_000);
    expect(r).toMatchObject({ status: null, failure: 'unreachable', error: 'connection refused' });
  });

  it('a garbled answer fails that request; the next one gets a new connection', async () => {
    const srv = await rawServer((sock, n) => sock.write(n === 1 ? 'SMTP ready\r\n\r\n' : 'HTTP/1.1 204 No Content\r\n\r\n'));
    const a = agent();
    expect(await a.exchange(post(srv.port), 5_000)).toMatchObject({ status: null, failure: 'failed', error: 'invalid HTTP response' });
    expect(await a.exchange(post(srv.port), 5_000)).toMatchObject({ status: 204, failure: null });
    expect(srv.connections()).toBe(2);
  });

  it('a header that cannot be sent fails before connecting', async () => {
    const srv = await rawServer(() => undefined);
    const a = agent();
    expect(await a.exchange(post(srv.port, '{}', [['X-Bad', 'a\r\nInjected: 1']]), 5_000)).toMatchObject({ failure: 'failed', error: 'invalid X-Bad header value' });
    expect(await a.exchange(post(srv.port, '{}', [['Transfer-Encoding', 'chunked']]), 5_000)).toMatchObject({ failure: 'failed' });
    expect(srv.connections()).toBe(0);
  });

  it('more requests than connections: they wait for a free one, all answered, never more connections than allowed', async () => {
    let open = 0;
    let most = 0;
    const { server, port } = await listen(
      createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => setImmediate(() => res.end('ok')));
      }),
    );
    server.on('connection', (s: Socket) => {
      most = Math.max(most, ++open);
      s.on('close', () => open--);
    });
    const a = agent({ connections: 3 });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => a.exchange(post(port, `{"i":${i}}`), 5_000)));
    expect(results.every((r) => r.status === 200 && r.body?.toString() === 'ok')).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
  });
});
