import { afterEach, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../helpers/http.js';
import { Browser } from '../../../src/store/browse.js';
import { compileFilter } from '../../../src/store/filter.js';
import { deadPort, deliveriesOf, startApp, startForwardingListener, type TestApp, type TestListener } from '../../helpers/forward.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function app(...args: Parameters<typeof startApp>): Promise<TestApp> {
  const a = await startApp(...args);
  cleanups.push(() => a.stop());
  return a;
}
async function listener(...args: Parameters<typeof startForwardingListener>): Promise<TestListener> {
  const l = await startForwardingListener(...args);
  cleanups.push(() => l.close());
  return l;
}

const BODIES: Array<[string, Buffer]> = [
  ['binary', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x00, 0xc3])],
  ['unicode', Buffer.from('{"name":"Zoë 🚀 ünïcødé","note":"\\u00e9 vs é"}', 'utf8')],
  ['odd whitespace', Buffer.from('{ "a" :\t1 ,\n\n  "b":[ 1,2 ]   }\n\n', 'utf8')],
  ['CRLF', Buffer.from('line one\r\nline two\r\n\r\n', 'utf8')],
  ['empty', Buffer.alloc(0)],
];

describe('forwarding', () => {
  it.each(BODIES)('sends %s bodies byte for byte', async (_name, body) => {
    const a = await app();
    const l = await listener({ targets: [a.url] });
    const res = await send(`${l.url}/hooks/x?y=%20z`, { headers: [['Content-Type', 'application/octet-stream']], body });
    expect(res.status).toBe(200);
    await waitFor(() => a.received.length === 1);
    expect(a.received[0]!.body.equals(body)).toBe(true);
    expect(a.received[0]!.url).toBe('/hooks/x?y=%20z');
    expect(a.received[0]!.method).toBe('POST');
  });

  it('keeps header case, order and repeats; drops hop-by-hop; sets Host to the target', async () => {
    const a = await app();
    const l = await listener({ targets: [a.url] });
    await send(`${l.url}/h`, {
      headers: [
        ['X-First', '1'],
        ['x-MiXeD-Case', 'Keep Me'],
        ['X-Dup', 'a'],
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', 'gone'],
        ['Keep-Alive', 'timeout=5'],
        ['Proxy-Authorization', 'Basic x'],
        ['X-Dup', 'b'],
        ['TE', 'trailers'],
        ['Stripe-Signature', 't=1,v1=abc'],
      ],
      body: 'hello',
    });
    await waitFor(() => a.received.length === 1);
    const got = a.received[0]!.headers;
    const names = got.map(([k]) => k);
    expect(got.filter(([k]) => k.startsWith('X-') || k.startsWith('x-') || k === 'Stripe-Signature')).toEqual([
      ['X-First', '1'],
      ['x-MiXeD-Case', 'Keep Me'],
      ['X-Dup', 'a'],
      ['X-Dup', 'b'],
      ['Stripe-Signature', 't=1,v1=abc'],
    ]);
    for (const gone of ['X-Hop', 'Keep-Alive', 'Proxy-Authorization', 'TE']) expect(names).not.toContain(gone);
    expect(got.find(([k]) => k.toLowerCase() === 'host')![1]).toBe(`127.0.0.1:${a.port}`);
    expect(got.find(([k]) => k.toLowerCase() === 'content-length')![1]).toBe('5');
    // The whole head as the app sees it (README, Forwarding): the target's Host first, the captured headers, the
    // hop header, and the exact body's Content-Length; nothing else added (no `connection: keep-alive`).
    expect(names).toEqual(['Host', 'X-First', 'x-MiXeD-Case', 'X-Dup', 'X-Dup', 'Stripe-Signature', 'Hookdev-Hop', 'Content-Length']);
  });

  it('preserveHost keeps the sender Host; keepPath uses the target URL as given', async () => {
    const a = await app();
    const l = await listener({ targets: [`${a.url}/exact/path`], preserveHost: true, keepPath: true });
    await send(`${l.url}/captured/path?q=1`, { headers: [['Host', 'example.test']], body: 'x' });
    await waitFor(() => a.received.length === 1);
    expect(a.received[0]!.url).toBe('/exact/path');
    expect(a.received[0]!.headers.find(([k]) => k.toLowerCase() === 'host')![1]).toBe('example.test');
  });

  it('joins the target path with the captured path and query by default', async () => {
    const a = await app();
    const l = await listener({ targets: [`${a.url}/api/`] });
    await send(`${l.url}/stripe?x=1`, { body: 'x' });
    await send(`${l.url}/`, { body: 'y' });
    await waitFor(() => a.received.length === 2);
    expect(a.received.map((r) => r.url).sort()).toEqual(['/api/', '/api/stripe?x=1']);
  });

  it('records each delivery with status, headers, capped body and emits a delivery event', async () => {
    const a = await app((_req, res) => {
      res.writeHead(201, { 'X-App': 'yes' });
      res.end('a'.repeat(100));
    });
    const l = await listener({ targets: [a.url], responseCap: 10 });
    await send(`${l.url}/h`, { body: 'x' });
    const d = await waitFor(() => deliveriesOf(l, 1)[0]);
    expect(d).toMatchObject({ kind: 'forward', attempt: 1, status: 201, responseTruncated: true, error: null });
    expect(d.target).toBe(`${a.url}/h`);
    expect(d.responseBody!.toString()).toBe('a'.repeat(10));
    expect(d.responseHeaders).toContainEqual(['X-App', 'yes']);
    expect(l.events.some((e) => e.type === 'delivery' && e.requestId === 1 && e.delivery.status === 201)).toBe(true);
  });

  it('fans out to several targets, and routes by path, provider and event type', async () => {
    const a = await app();
    const b = await app();
    const c = await app();
    const l = await listener({
      targets: [a.url, b.url],
      routes: [
        { pathPrefix: '/billing', to: c.url },
        { provider: 'stripe', eventType: 'invoice.*', to: b.url },
      ],
    });
    await send(`${l.url}/plain`, { body: '1' });
    await waitFor(() => a.received.length === 1 && b.received.length === 1);
    await send(`${l.url}/billing/x`, { body: '2' });
    await waitFor(() => c.received.length === 1);
    const stripeBody = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', object: 'event' });
    await send(`${l.url}/other`, { headers: [['Stripe-Signature', 't=1,v1=00']], body: stripeBody });
    await waitFor(() => b.received.length === 2);
    expect(a.received.map((r) => r.body.toString())).toEqual(['1']);
    expect(b.received.map((r) => r.body.toString())).toEqual(['1', stripeBody]);
    expect(c.received.map((r) => r.body.toString())).toEqual(['2']);
  });

  it('a dead target: the sender is still answered, the failure is recorded, the listener lives on', async () => {
    const port = await deadPort();
    const l = await listener({ targets: [`http://127.0.0.1:${port}`], retryForMs: 300, retryMaxDelayMs: 50 });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(200);
    const last = await waitFor(() => deliveriesOf(l, 1).find((d) => /gave up/.test(d.error ?? '')));
    expect(last.status).toBeNull();
    expect(last.error).toMatch(/connection refused/);
    const all = deliveriesOf(l, 1);
    expect(all.map((d) => d.attempt)).toEqual(all.map((_, i) => i + 1));
    expect(l.events.some((e) => e.type === 'state' && /unreachable/.test(e.message))).toBe(true);
    expect(l.events.some((e) => e.type === 'warning' && /not delivered/.test(e.message))).toBe(true);
    expect((await send(`${l.url}/again`, { body: 'y' })).status).toBe(200);
  });

  it('drain at shutdown gives up on waiting deliveries quickly and records them', async () => {
    const port = await deadPort();
    const l = await startForwardingListener({ targets: [`http://127.0.0.1:${port}`], retryForMs: 60_000, drainGraceMs: 150 });
    await send(`${l.url}/a`, { body: '1' });
    await send(`${l.url}/b`, { body: '2' });
    await waitFor(() => l.events.some((e) => e.type === 'state' && e.state === 'unreachable'));
    const t0 = Date.now();
    await l.listener.pipeline.drain();
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const id of [1, 2]) {
      const ds = deliveriesOf(l, id);
      expect(ds.at(-1)!.error).toMatch(/hookdev stopped|refused/);
      expect(ds.every((d) => d.status === null)).toBe(true);
    }
    expect(deliveriesOf(l, 2).at(-1)!.error).toMatch(/hookdev stopped/);
    await l.close();
  });
});

describe('forwarding, the connection to the app', () => {
  it('drain at shutdown ends an exchange the app never answers after the grace, and records it', async () => {
    const a = await app(() => undefined); // takes the request, never answers
    const l = await startForwardingListener({ targets: [a.url], drainGraceMs: 150 });
    expect((await send(`${l.url}/a`, { body: '1' })).status).toBe(200);
    await waitFor(() => a.received.length === 1);
    const t0 = Date.now();
    await l.listener.pipeline.drain();
    expect(Date.now() - t0).toBeLessThan(2000);
    const ds = deliveriesOf(l, 1);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.status).toBeNull();
    expect(ds[0]!.error).toBe('hookdev is shutting down');
    await l.close();
  });

  it("resends once on a new connection when the app answers 408 and closes (node:http's idle-socket race)", async () => {
    let first = true;
    const a = await app((_req, res) => {
      if (first) {
        first = false;
        res.writeHead(408, { Connection: 'close' });
        return void res.end();
      }
      res.writeHead(200).end('ok');
    });
    const l = await listener({ targets: [a.url] }, { passthrough: true });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(200);
    expect(a.received).toHaveLength(2);
    expect(a.sockets).toHaveLength(2);
    expect(deliveriesOf(l, 1).map((d) => d.status)).toEqual([200]);
  });
});

describe('passthrough', () => {
  it("answers with the app's status, headers (case, repeats) and body", async () => {
    const a = await app((_req, res) => {
      res.writeHead(418, [
        ['X-Custom-Case', 'One'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Content-Type', 'application/json'],
      ]);
      res.end('{"teapot":true}');
    });
    const l = await listener({ targets: [a.url] }, { passthrough: true });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(418);
    expect(res.body.toString()).toBe('{"teapot":true}');
    expect(res.headers.filter(([k]) => k === 'Set-Cookie')).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(res.headers).toContainEqual(['X-Custom-Case', 'One']);
    expect(deliveriesOf(l, 1)[0]!.status).toBe(418);
  });

  it('keeps the status each sender got on its delivery row: the request row is written once, and reads and filters see the status', async () => {
    const a = await app((_req, res) => void res.writeHead(418).end('tea'));
    const port = await deadPort();
    const ok = await listener({ targets: [a.url] }, { passthrough: true });
    expect((await send(`${ok.url}/h`, { body: 'x' })).status).toBe(418);
    const dead = await listener({ targets: [`http://127.0.0.1:${port}`] }, { passthrough: true });
    expect((await send(`${dead.url}/h`, { body: 'x' })).status).toBe(502);
    for (const [l, status] of [[ok, 418], [dead, 502]] as const) {
      l.listener.writes.flush();
      const store = l.listener.store;
      expect(store.get(1)!.responseStatus).toBe(status);
      expect(store.list()[0]!.responseStatus).toBe(status);
      expect([...store.iterate()][0]!.responseStatus).toBe(status);
      const b = new Browser(store.db);
      expect(b.request(1)!.responseStatus).toBe(status);
      expect(b.older(1e9, 10)[0]!.responseStatus).toBe(status);
      const f = compileFilter(`status:${status}`, Date.now());
      expect(f.ok && b.older(1e9, 10, f.filter).map((r) => r.id)).toEqual([1]);
      const other = compileFilter('status:2xx', Date.now());
      expect(other.ok && b.older(1e9, 10, other.filter)).toEqual([]);
      // Not written by an UPDATE of the request's row after the forward.
      expect(store.db.prepare('SELECT response_status FROM requests WHERE id = 1').pluck().get()).toBeNull();
      expect(store.db.prepare('SELECT answer_status FROM deliveries WHERE request_id = 1').pluck().get()).toBe(status);
    }
  });

  it('answers from the first target without waiting for a second, unreachable one', async () => {
    const a = await app((_req, res) => void res.writeHead(202).end('first'));
    const port = await deadPort();
    const l = await listener({ targets: [a.url, `http://127.0.0.1:${port}`], retryForMs: 60_000, drainGraceMs: 50 }, { passthrough: true });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(202);
    expect(res.body.toString()).toBe('first');
    await waitFor(() => deliveriesOf(l, 1).some((d) => d.error === 'connection refused'));
  });

  it('answers 502 at once when the app is unreachable, and records it', async () => {
    const port = await deadPort();
    const l = await listener({ targets: [`http://127.0.0.1:${port}`] }, { passthrough: true });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(502);
    expect(res.body.toString()).toMatch(/unreachable/);
    const ds = deliveriesOf(l, 1);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.error).toMatch(/connection refused/);
  });

  it('answers 504 when the app is slower than the total timeout', async () => {
    const a = await app(() => undefined); // never answers
    const l = await listener({ targets: [a.url], totalTimeoutMs: 200 }, { passthrough: true });
    const res = await send(`${l.url}/h`, { body: 'x' });
    expect(res.status).toBe(504);
    expect(deliveriesOf(l, 1)[0]!.error).toMatch(/timed out/);
  });
});
