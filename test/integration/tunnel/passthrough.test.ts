import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingWebhook } from '../../../src/core/types.js';
import { authorizedMetrics, recorder, send, startTestClient, startTestRelay, tempDir, type TestClient, type TestRelay } from '../../helpers/tunnel.js';
import { channelTag } from '../../../src/tunnel/channel-tag.js';

describe('tunnel passthrough (real relay, real client)', () => {
  const tmp = tempDir();
  let relay: TestRelay;
  let client: TestClient;
  const seen: IncomingWebhook[] = [];
  const channel = 'pass-through';

  beforeAll(async () => {
    relay = await startTestRelay({ dbPath: join(tmp.dir, 'relay.db'), maxBody: 2 * 1024 * 1024 });
    // The local "app": echoes the body, answers with repeated and mixed-case headers.
    const rec = recorder((inc) => {
      seen.push(inc);
      const status = Number(new URL(`http://x${inc.url}`).searchParams.get('status') ?? 200);
      return {
        status,
        headers: [
          ['X-Echo-Method', inc.method],
          ['Set-Cookie', 'a=1'],
          ['set-cookie', 'b=2'],
          ['X-MiXeD-Case', 'yes'],
        ],
        body: inc.body,
      };
    });
    client = startTestClient(relay, { channel, onRequest: rec.handler });
    await client.tunnel.ready;
  });
  afterAll(async () => {
    await client.tunnel.close();
    await relay.close();
    tmp.cleanup();
  });

  it('tells the client its public URL', () => {
    expect(client.tunnel.publicUrl).toBe(`${relay.url}/${channel}`);
    expect(client.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
  });

  it('passes status, headers (case, order, repeats) and body both ways, path without the channel', async () => {
    const res = await send(`${relay.url}/${channel}/hooks/github?status=201&x=%20a`, {
      method: 'PUT',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Hub-Signature-256', 'sha256=abc'],
        ['x-dup', 'one'],
        ['X-Dup', 'two'],
      ],
      body: '{"a": 1,  "b":[ 2 ]}',
    });
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('{"a": 1,  "b":[ 2 ]}');
    const names = res.headers.map(([k]) => k);
    expect(names.slice(0, 4)).toEqual(['X-Echo-Method', 'Set-Cookie', 'set-cookie', 'X-MiXeD-Case']);
    expect(res.headers.slice(0, 3)).toEqual([
      ['X-Echo-Method', 'PUT'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);

    const inc = seen.at(-1)!;
    expect(inc).toMatchObject({ source: 'relay', method: 'PUT', url: '/hooks/github?status=201&x=%20a', httpVersion: '1.1' });
    expect(inc.relayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(inc.remoteAddr).toBe('127.0.0.1');
    expect(Math.abs(inc.receivedAt - Date.now())).toBeLessThan(5000);
    expect(inc.headers.filter(([k]) => k.toLowerCase() !== 'host' && k.toLowerCase() !== 'connection')).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Hub-Signature-256', 'sha256=abc'],
      ['x-dup', 'one'],
      ['X-Dup', 'two'],
      ['Content-Length', '20'],
    ]);
  });

  it('maps the bare channel URL and a query-only URL to /', async () => {
    await send(`${relay.url}/${channel}`, { method: 'GET' });
    expect(seen.at(-1)!.url).toBe('/');
    await send(`${relay.url}/${channel}?a=1`, { method: 'GET' });
    expect(seen.at(-1)!.url).toBe('/?a=1');
  });

  it('keeps a binary body byte-exact (1 MB of random bytes)', async () => {
    const body = randomBytes(1024 * 1024);
    const res = await send(`${relay.url}/${channel}/bin`, { headers: [['Content-Type', 'application/octet-stream']], body });
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.body.equals(body)).toBe(true);
    expect(res.body.equals(body)).toBe(true);
  });

  it('carries 50 concurrent requests over one socket, each to its own answer', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send(`${relay.url}/${channel}/c/${i}`, { body: `body-${i}` })),
    );
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(`body-${i}`);
    });
    const ids = new Set(seen.slice(-50).map((s) => s.relayId));
    expect(ids.size).toBe(50);
  });

  it('answers 413 over maxBody and 404 for channels nobody claimed', async () => {
    const big = await send(`${relay.url}/${channel}/big`, { body: Buffer.alloc(2 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    const unknown = await send(`${relay.url}/nobody-here/x`, { body: 'x' });
    expect(unknown.status).toBe(404);
    const invalid = await send(`${relay.url}/NOPE/x`, { body: 'x' });
    expect(invalid.status).toBe(404);
  });

  it('serves /healthz (readiness only) and /metrics without channel names; per-channel figures need a token', async () => {
    const h = await send(`${relay.url}/healthz`, { method: 'GET' });
    expect(h.status).toBe(200);
    expect(JSON.parse(h.body.toString())).toEqual({ ready: true });
    const m = (await send(`${relay.url}/metrics`, { method: 'GET' })).body.toString();
    expect(m).not.toContain(channel);
    expect(m).toMatch(/hookdev_relay_requests_total\{status="200"\} \d+/);
    expect(m).toContain('hookdev_relay_connected_clients 1');
    expect(m).toContain('hookdev_relay_queue_depth 0');
    expect(m).toMatch(/hookdev_relay_tunnel_latency_seconds_count [1-9]/);
    expect(m).toContain('hookdev_relay_requests_total{status="413"} 1');
    const wrong = await send(`${relay.url}/metrics`, { method: 'GET', headers: [['Authorization', 'Bearer not-the-token']] });
    expect(wrong.status).toBe(401);
    expect(wrong.body.toString()).not.toContain(channel);
    // Authorized readers see per-channel series, labelled with the channel's tag, never its name.
    const detailed = await authorizedMetrics(relay);
    expect(detailed).not.toContain(channel);
    expect(detailed).toMatch(new RegExp(`hookdev_relay_channel_requests_total\\{channel="${channelTag(channel)}",status="200"\\} \\d+`));
    expect(detailed).toContain(`hookdev_relay_channel_queue_depth{channel="${channelTag(channel)}"} 0`);
    expect(detailed).toContain(`hookdev_relay_channel_requests_total{channel="${channelTag(channel)}",status="413"} 1`);
  });

  it('answers 413 to a chunked upload (no Content-Length) that passes maxBody, once the sender has sent it all', async () => {
    const before = seen.length;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${relay.url}/${channel}/chunked-big`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      for (let i = 0; i < 9; i++) req.write(chunk); // 2.25 MB > 2 MB
      req.end();
    });
    expect(status).toBe(413);
    expect(seen.length).toBe(before); // never reached the client
    expect(await authorizedMetrics(relay)).toContain(`hookdev_relay_channel_requests_total{channel="${channelTag(channel)}",status="413"} 2`);
  });

  it('logs requests without queries, tokens or channel names (the tag stands for the channel)', () => {
    const text = JSON.stringify(relay.logs);
    expect(text).not.toContain('test-token');
    expect(text).not.toContain('x=%20a');
    expect(text).not.toContain(channel);
    expect(relay.logs.some((l) => l.event === 'request' && l.channel === channelTag(channel) && l.status === 201)).toBe(true);
  });
});
