/** Real relay, real client, real HTTP for the tunnel tests. No mocks: everything on 127.0.0.1, port 0. */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { fromRawHeaders, toFlatHeaders } from '../../src/core/headers.js';
import type { Answer, HeaderList, IncomingWebhook, RequestHandler } from '../../src/core/types.js';
import { connectTunnel, type Tunnel, type TunnelOptions, type TunnelState } from '../../src/tunnel/client.js';
import { CONNECT_PATH, decodeFrame, type Frame, PROTOCOL_VERSION } from '../../src/tunnel/protocol.js';
import { startRelay, type Relay, type RelayOptions } from '../../src/tunnel/relay-server.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** A temp dir removed by `cleanup()`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hookdev-tunnel-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** /metrics as an operator with a relay token sees it (per-channel series included). */
export async function authorizedMetrics(relay: { url: string }, token = TOKEN): Promise<string> {
  return fetch(`${relay.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.text());
}

export interface TestRelay extends Relay {
  logs: Array<Record<string, unknown>>;
  dbPath: string;
}

/** A relay with test-sized timeouts. */
export async function startTestRelay(options: Partial<RelayOptions> & { dbPath: string }): Promise<TestRelay> {
  const logs: Array<Record<string, unknown>> = [];
  const relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    tokens: [TOKEN],
    receiptTimeoutMs: 500,
    responseTimeoutMs: 3000,
    heartbeatMs: 1000,
    probeTimeoutMs: 1000,
    rateLimit: 1000,
    log: (e) => logs.push(e as unknown as Record<string, unknown>),
    ...options,
  });
  return Object.assign(relay, { logs, dbPath: options.dbPath });
}

/** Stands in for the pipeline: records each request (by relay id) and answers. */
export interface Recorder {
  requests: IncomingWebhook[];
  handler: RequestHandler;
}

export function recorder(answer: (incoming: IncomingWebhook) => Answer | Promise<Answer> = () => ok()): Recorder {
  const requests: IncomingWebhook[] = [];
  return {
    requests,
    handler: async (incoming) => {
      const a = await answer(incoming);
      requests.push(incoming); // "committed" once the answer is ready, like the pipeline
      return a;
    },
  };
}

export function ok(body = 'ok', status = 200, headers: HeaderList = [['Content-Type', 'text/plain']]): Answer {
  return { status, headers, body: Buffer.from(body) };
}

export interface TestClient {
  tunnel: Tunnel;
  states: TunnelState[];
  logs: Array<Record<string, unknown>>;
}

export function startTestClient(relay: { connectUrl: string }, options: Partial<TunnelOptions> & Pick<TunnelOptions, 'channel' | 'onRequest'>): TestClient {
  const states: TunnelState[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const tunnel = connectTunnel({
    relayUrl: relay.connectUrl,
    token: TOKEN,
    heartbeatMs: 1000, // generous: a loaded CI box must not see spurious reconnects; tests that need speed set it
    probeIntervalMs: 0,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    handshakeTimeoutMs: 2000,
    closeTimeoutMs: 500,
    onState: (s) => states.push(s),
    log: (e) => logs.push(e as unknown as Record<string, unknown>),
    ...options,
  });
  return { tunnel, states, logs };
}

/** Poll a condition (bounded): the only place tests wait on time. */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 5000, intervalMs = 10, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface RawResponse {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/** node:http with a raw header list, so case, order and repeats go out (and come back) exactly. */
export function send(
  url: string,
  { method = 'POST', headers = [], body }: { method?: string; headers?: HeaderList; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  const has = (n: string): boolean => headers.some(([k]) => k.toLowerCase() === n);
  const list: HeaderList = has('host') ? [...headers] : [['Host', u.host], ...headers];
  if (body !== undefined && !has('content-length') && !has('transfer-encoding'))
    list.push(['Content-Length', String(Buffer.byteLength(body))]);
  const flat = toFlatHeaders(list);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: flat, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: fromRawHeaders(res.rawHeaders), body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A hand-driven WebSocket client (for refusals and misbehaving peers). */
export interface RawClient {
  ws: WebSocket;
  frames: Frame[];
  /** Every message as it came, bad frames included (so not index for index with `frames`): which form the relay wrote. */
  raw: Buffer[];
  opened: Promise<void>;
  /** Status of a refused upgrade. */
  refused: Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>;
  closed: Promise<void>;
}

export function connectRaw(
  connectUrl: string,
  {
    token = TOKEN,
    channel,
    protocol = String(PROTOCOL_VERSION),
    clientId,
    autoPong = true,
    frameForms,
  }: { token?: string | null; channel: string; protocol?: string; clientId?: string; autoPong?: boolean; frameForms?: string },
): RawClient {
  const headers: Record<string, string> = { 'X-Hookdev-Channel': channel, 'X-Hookdev-Protocol': protocol };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (clientId) headers['X-Hookdev-Client-Id'] = clientId;
  if (frameForms !== undefined) headers['X-Hookdev-Frames'] = frameForms;
  const ws = new WebSocket(connectUrl, { headers, autoPong, perMessageDeflate: false });
  const frames: Frame[] = [];
  const raw: Buffer[] = [];
  ws.on('message', (d) => {
    raw.push(d as Buffer);
    const r = decodeFrame(d as Buffer);
    if (r.ok) frames.push(r.frame);
  });
  ws.on('error', () => {});
  const opened = new Promise<void>((res) => ws.once('open', () => res()));
  const closed = new Promise<void>((res) => ws.once('close', () => res()));
  const refused = new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((res) => {
    ws.once('unexpected-response', (_req, r: http.IncomingMessage) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => {
        res({ status: r.statusCode ?? 0, body, headers: r.headers });
        ws.terminate();
      });
    });
  });
  return { ws, frames, raw, opened, refused, closed };
}

export { CONNECT_PATH };
