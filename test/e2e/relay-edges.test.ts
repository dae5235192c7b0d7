/**
 * The relay's edges, through the spawned binaries: URL-signed providers verified through a real relay (the client
 * gets the exact public URL the sender used), the same --max-body for relayed requests, history order for a queued
 * backlog, and one-line failures for a bad --db and a relay URL that is not a relay.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhooksHelper } from 'square';
import twilio from 'twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { cliGroup, runCli, type RunningCli } from '../helpers/cli.js';
import { send } from '../helpers/http.js';
import { makeTempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/tunnel.js';

const TOKEN = 'edges-relay-token-0123456789';
const tmp = makeTempDir('hookdev-relay-edges-');
const { start, killAll } = cliGroup({ XDG_CONFIG_HOME: tmp.path('config') });
afterAll(async () => {
  await killAll();
  tmp.cleanup();
});

/** `url`: where senders reach this relay directly (its public URL may name a proxy in front of it). */
async function relay(extra: string[] = []): Promise<{ url: string; connect: string; proc: RunningCli }> {
  const proc = start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', tmp.path(`relay-${randomBytes(4).toString('hex')}.db`), ...extra]);
  const e = await proc.waitForEvent((x) => x.event === 'listening');
  return { url: `http://127.0.0.1:${String(e.port)}`, connect: String(e.connect), proc };
}

async function listen(relayUrl: string, channel: string, db: string, extra: string[] = []): Promise<RunningCli> {
  const l = start(['listen', '--port', '0', '--db', db, '--relay', relayUrl, '--token', TOKEN, '--channel', channel, '--json', ...extra]);
  await l.waitForEvent((e) => e.event === 'listening' && e.door === 'relay');
  return l;
}

describe('URL-signed providers through a real relay', () => {
  it.each([
    ['the relay\'s own address', [] as string[], (relayUrl: string) => relayUrl],
    ['--public-url (behind a TLS proxy)', ['--public-url', 'https://hooks.example.test'], () => 'https://hooks.example.test'],
  ])('Twilio and Square verify with %s', async (_label, relayFlags, publicBase) => {
    const r = await relay(relayFlags);
    const twilioToken = 'twilio-auth-token-0123456789abcdef';
    const squareKey = 'square-signature-key-0123456789';
    const l = await listen(r.connect, 'signed-one', tmp.path(`signed-${randomBytes(4).toString('hex')}.db`), [
      '--secret', `twilio=${twilioToken}`, '--secret', `square=${squareKey}`,
    ]);
    const base = `${publicBase(r.url)}/signed-one`;

    // Twilio signs the full URL (scheme, host, channel prefix, path, query) plus the sorted form fields.
    const twilioUrl = `${base}/twilio/sms?account=a1&x=%20y`;
    const params = { Body: 'hello from twilio', From: '+15550001111', MessageSid: 'SM123' };
    const form = new URLSearchParams(params).toString();
    const twilioSig = twilio.getExpectedTwilioSignature(twilioToken, twilioUrl, params);
    const t = await send(`${r.url}/signed-one/twilio/sms?account=a1&x=%20y`, {
      body: form,
      headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twilio-Signature', twilioSig]],
    });
    expect(t.status).toBe(200);
    const tEvent = await l.waitForEvent((e) => e.event === 'request' && e.url === '/twilio/sms?account=a1&x=%20y');
    expect(tEvent).toMatchObject({ provider: 'twilio', signature: { status: 'valid' } });

    // Square signs notification URL + body; its SDK confirms the signature is right for the public URL.
    const squareUrl = `${base}/square/hook`;
    const squareBody = JSON.stringify({ type: 'payment.updated', event_id: 'ev-1', data: { amount: 100 } });
    const squareSig = createHmac('sha256', squareKey).update(squareUrl + squareBody).digest('base64');
    expect(
      await WebhooksHelper.verifySignature({ requestBody: squareBody, signatureHeader: squareSig, signatureKey: squareKey, notificationUrl: squareUrl }),
    ).toBe(true);
    const s = await send(`${r.url}/signed-one/square/hook`, {
      body: squareBody,
      headers: [['Content-Type', 'application/json'], ['X-Square-HmacSha256-Signature', squareSig]],
    });
    expect(s.status).toBe(200);
    const sEvent = await l.waitForEvent((e) => e.event === 'request' && e.url === '/square/hook');
    expect(sEvent).toMatchObject({ provider: 'square', signature: { status: 'valid' } });
    await l.stop();
  });
});

describe('relayed requests, as the HTTP door', () => {
  it('listen --relay applies --max-body to relayed requests (413, body not kept)', async () => {
    const r = await relay();
    const db = tmp.path('maxbody.db');
    const l = await listen(r.url, 'limited-one', db, ['--max-body', '1kb']);
    const big = await send(`${r.url}/limited-one/big`, { body: Buffer.alloc(5000, 'x') });
    expect(big.status).toBe(413);
    const e = await l.waitForEvent((x) => x.event === 'request' && x.url === '/big');
    expect(e.rejected).toMatchObject({ status: 413 });
    const small = await send(`${r.url}/limited-one/small`, { body: 'ok' });
    expect(small.status).toBe(200);
    const shown = JSON.parse((await runCli(['show', String(e.id), '--json', '--db', db])).stdout.toString());
    expect(Buffer.from(shown.bodyBase64, 'base64').length).toBe(0);
    await l.stop();
  });

  it('a queued backlog reaches the app in history order', async () => {
    const seen: string[] = [];
    const app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(Buffer.concat(chunks).toString());
        res.end('ok');
      });
    });
    await new Promise<void>((res) => app.listen(0, '127.0.0.1', () => res()));
    try {
      const r = await relay();
      const db = tmp.path('order.db');
      const first = await listen(r.url, 'backlog-one', db);
      await first.stop();
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await send(`${r.url}/backlog-one/n/${i}`, { body: `n-${i}` });
        expect(res.status).toBe(202);
        sent.push(`n-${i}`);
      }
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/in`;
      const l = await listen(r.url, 'backlog-one', db, ['--forward-to', appUrl]);
      await waitFor(() => seen.length === 20, { what: 'twenty forwards', timeoutMs: 15_000 });
      expect(seen).toEqual(sent);
      await l.stop();
    } finally {
      app.close();
    }
  });
});

describe('one clear line instead of a loop or a stack', () => {
  it('relay --db in a folder that does not exist: exit 2, one line', async () => {
    const r = await runCli(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', '/no/such/dir/q.db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/relay queue \/no\/such\/dir\/q\.db/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+|bug in hookdev/);
  });

  it('listen --relay at a URL that is not a relay connect path: stops with one line instead of retrying', async () => {
    const r = await relay();
    const res = await runCli(['listen', '--port', '0', '--db', tmp.path('notfound.db'), '--relay', `${r.url.replace('http', 'ws')}/sub/path`, '--token', TOKEN, '--channel', 'lost-one', '--json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no hookdev relay answers at .*404/);
    expect(res.stdout.toString()).not.toMatch(/queues meanwhile/);
  });

  it('a --relay URL that answers like an ordinary web server (200, not an upgrade) stops with one line, not a retry loop', async () => {
    const app = http.createServer((_req, res) => res.end('<html>hello</html>'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      const port = (app.address() as AddressInfo).port;
      const res = await runCli(['listen', '--port', '0', '--db', tmp.path('web.db'), '--relay', `ws://127.0.0.1:${port}`, '--token', TOKEN, '--channel', 'web-one', '--json']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/no hookdev relay answers at .*200/);
      expect(res.stderr.trim().split('\n').filter((l) => !l.startsWith('  hint:'))).toHaveLength(1);
    } finally {
      await new Promise((r) => app.close(r));
    }
  });

  it('an unreachable relay is not said to queue meanwhile', async () => {
    const l = start(['listen', '--port', '0', '--db', tmp.path('unreachable.db'), '--relay', 'ws://127.0.0.1:1', '--token', TOKEN, '--channel', 'away-one', '--json']);
    const offline = await l.waitForEvent((e) => e.event === 'state' && e.state === 'offline');
    expect(String(offline.message)).toMatch(/cannot reach the relay/);
    expect(String(offline.message)).not.toMatch(/queues meanwhile/);
    await l.stop();
  });
});
