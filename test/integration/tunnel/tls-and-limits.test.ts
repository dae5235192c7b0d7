import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame } from '../../../src/tunnel/protocol.js';
import { recorder, send, startTestClient, startTestRelay, TOKEN, tempDir, type TestRelay } from '../../helpers/tunnel.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('relay limits and TLS', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('rate-limits a channel with 429 + Retry-After', async () => {
    const tmp = tempDir();
    const relay: TestRelay = await startTestRelay({ dbPath: join(tmp.dir, 'r.db'), rateLimit: 1 });
    cleanups.push(tmp.cleanup, () => relay.close());
    const c = startTestClient(relay, { channel: 'limited-one', onRequest: recorder().handler });
    cleanups.push(() => c.tunnel.close());
    await c.tunnel.ready;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(`${relay.url}/limited-one/x`, { body: 'x' })).status);
    expect(statuses).toEqual([200, 200, 429]); // burst of 2 at 1/s
  });

  it.skipIf(!hasOpenssl())('serves https and wss with --tls-cert/--tls-key', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const cert = join(tmp.dir, 'cert.pem');
    const key = join(tmp.dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
    const ca = readFileSync(cert);
    const relay = await startTestRelay({ dbPath: join(tmp.dir, 'r.db'), tls: { cert: ca, key: readFileSync(key) } });
    cleanups.push(() => relay.close());
    expect(relay.url).toMatch(/^https:/);
    expect(relay.connectUrl).toMatch(/^wss:/);

    const ws = new WebSocket(relay.connectUrl, {
      ca,
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Hookdev-Channel': 'secure-one', 'X-Hookdev-Protocol': '1' },
    });
    const hello = await new Promise<Buffer>((resolve, reject) => {
      ws.once('message', (d) => resolve(d as Buffer));
      ws.once('error', reject);
    });
    expect(decodeFrame(hello)).toMatchObject({ ok: true, frame: { type: 'hello', publicUrl: `${relay.url}/secure-one` } });
    ws.terminate();

    const status = await new Promise<number>((resolve, reject) => {
      https.get(`${relay.url}/healthz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
  });
});
