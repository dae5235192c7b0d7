import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startCaptureServer, type CaptureServer } from '../../../src/capture/server.js';
import { Pipeline } from '../../../src/pipeline.js';
import { openStore, WriteBatcher, type Store } from '../../../src/store/index.js';
import type { PipelineEvent } from '../../../src/core/events.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { rawExchange, send, waitFor } from '../../helpers/http.js';

describe('capture server + pipeline', () => {
  const tmp = makeTempDir();
  let store: Store;
  let server: CaptureServer;
  let pipeline: Pipeline;
  const events: PipelineEvent[] = [];

  beforeAll(async () => {
    store = openStore(tmp.path('history.db'));
    pipeline = new Pipeline({
      writes: new WriteBatcher(store),
      response: { status: 202, headers: [['X-Hookdev', 'yes']], body: Buffer.from('got it'), delayMs: 0 },
    });
    pipeline.events.subscribe((e) => events.push(e));
    server = await startCaptureServer({
      host: '127.0.0.1',
      port: 0,
      handler: pipeline.handle,
      limits: { maxBody: 6 * 1024 * 1024 },
      onClientProblem: (message) => events.push({ type: 'warning', message }),
    });
  });
  afterAll(async () => {
    await server.close();
    await pipeline.drain();
    store.close();
    tmp.cleanup();
  });

  const latest = () => store.last()!;

  it('answers with the configured response after committing the request', async () => {
    const res = await send(server.url + '/hooks/a', { body: '{"x":1}', headers: [['Content-Type', 'application/json']] });
    expect(res.status).toBe(202);
    expect(res.body.toString()).toBe('got it');
    expect(res.headers).toContainEqual(['X-Hookdev', 'yes']);
    expect(latest().body.toString()).toBe('{"x":1}');
    expect(latest().responseStatus).toBe(202);
  });

  it('keeps a binary 5 MB body byte-exact', async () => {
    const body = randomBytes(5 * 1024 * 1024);
    const res = await send(server.url + '/big', { body, headers: [['Content-Type', 'application/octet-stream']] });
    expect(res.status).toBe(202);
    const r = latest();
    expect(r.bodySize).toBe(body.length);
    expect(r.body.equals(body)).toBe(true);
  });

  it('keeps duplicate and mixed-case headers in order', async () => {
    const headers: Array<[string, string]> = [
      ['X-Custom-Header', 'One'],
      ['x-custom-header', 'two'],
      ['X-CUSTOM-HEADER', 'Three'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ];
    await send(server.url + '/h', { body: 'x', headers });
    const stored = latest().headers.filter(([k]) => /custom|cookie/i.test(k));
    expect(stored).toEqual(headers);
  });

  it('records an empty body and every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND']) {
      const res = await send(server.url + `/m/${method}`, { method });
      expect(res.status).toBe(202);
      expect(latest()).toMatchObject({ method, url: `/m/${method}`, bodySize: 0 });
    }
  });

  it('keeps the path and query exactly as received, escapes included', async () => {
    const path = '/a%20b/c%2Fd?q=%E2%9C%93&x=1&x=2&empty=&plus=a+b#frag';
    await send(server.url, { method: 'GET', path: path.replace('#frag', '') });
    expect(latest().url).toBe('/a%20b/c%2Fd?q=%E2%9C%93&x=1&x=2&empty=&plus=a+b');
  });

  it('stores gzip bodies as received', async () => {
    const gz = gzipSync(Buffer.from('{"zipped":true}'));
    await send(server.url + '/gz', { body: gz, headers: [['Content-Encoding', 'gzip']] });
    expect(latest().body.equals(gz)).toBe(true);
  });

  it('refuses an oversized body with 413, logs a rejected row, and keeps answering', async () => {
    const before = store.count();
    const res = await send(server.url + '/too-big', {
      body: Buffer.alloc(7 * 1024 * 1024, 1),
      headers: [['Content-Length', String(7 * 1024 * 1024)]],
    });
    expect(res.status).toBe(413);
    const r = latest();
    expect(store.count()).toBe(before + 1);
    expect(r.rejectedStatus).toBe(413);
    expect(r.body.length).toBe(0);
    expect(r.bodySize).toBe(7 * 1024 * 1024);
    expect((await send(server.url + '/after', { body: 'ok' })).status).toBe(202);
  });

  it('refuses an oversized chunked body while streaming', async () => {
    const res = await rawExchange(
      server.port,
      'POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `600000\r\n${'a'.repeat(0x600000)}\r\n` + `600000\r\n${'a'.repeat(0x600000)}\r\n0\r\n\r\n`,
      5000,
    );
    expect(res).toMatch(/^HTTP\/1.1 413/);
    expect(latest()).toMatchObject({ url: '/chunked', rejectedStatus: 413 });
    expect((await send(server.url + '/after2', { body: 'ok' })).status).toBe(202);
  });

  it('answers malformed HTTP with 400 without saving anything or crashing', async () => {
    const before = store.count();
    const res = await rawExchange(server.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1.1 400/);
    const res2 = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(res2).toMatch(/^HTTP\/1.1 400/);
    expect(store.count()).toBe(before);
    expect((await send(server.url + '/still-alive', { body: 'ok' })).status).toBe(202);
    expect(events.some((e) => e.type === 'warning' && /bad request/.test(e.message))).toBe(true);
  });

  it('answers 431 to oversized headers and keeps going', async () => {
    const res = await rawExchange(server.port, `POST /big-head HTTP/1.1\r\nHost: x\r\nX-Huge: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1.1 431/);
    expect((await send(server.url + '/after-431', { body: 'ok' })).status).toBe(202);
  });

  it('drops an aborted upload without saving it', async () => {
    const before = store.count();
    await rawExchange(server.port, 'POST /aborted HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly-some', 300);
    // The server has seen the abort once it says so; nothing may have been saved by then, nor after.
    await waitFor(() => events.some((e) => e.type === 'warning' && /aborted/.test(e.message)));
    expect((await send(server.url + '/after-abort', { body: 'ok' })).status).toBe(202);
    expect(store.count()).toBe(before + 1);
    expect(latest().url).toBe('/after-abort');
    expect((await send(server.url + '/alive', { body: 'ok' })).status).toBe(202);
  });

  it('emits a request event per captured request', () => {
    const reqEvents = events.filter((e) => e.type === 'request');
    expect(reqEvents.length).toBeGreaterThan(5);
  });
});
