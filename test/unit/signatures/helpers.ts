import { expect } from 'vitest';
import { removeHeaders, setHeader } from '../../../src/core/headers.js';
import type { HeaderList } from '../../../src/core/types.js';
import { getProvider } from '../../../src/signatures/index.js';
import type { Provider, ReasonCode, VerifyResult } from '../../../src/signatures/types.js';

/** The docs' common worked-example inputs. */
export const BODY = Buffer.from('{"id":"evt_123","amount":1000}');
export const T = 1700000000;

export interface Req {
  body?: Buffer;
  headers?: HeaderList;
  url?: string;
  method?: string;
  now?: number;
  tolerance?: number;
}

export function provider(name: string): Provider {
  const p = getProvider(name);
  if (!p) throw new Error(`no provider ${name}`);
  return p;
}

export function verify(p: Provider, secrets: string | string[], req: Req = {}): VerifyResult {
  return p.verify({
    body: req.body ?? BODY,
    headers: req.headers ?? [],
    url: req.url ?? '',
    method: req.method ?? 'POST',
    secrets: Array.isArray(secrets) ? secrets : [secrets],
    now: req.now ?? T,
    tolerance: req.tolerance,
  });
}

export function sign(p: Provider, secret: string, req: Req = {}): HeaderList {
  return p.sign({
    body: req.body ?? BODY,
    headers: req.headers ?? [],
    url: req.url ?? '',
    method: req.method ?? 'POST',
    secret,
    now: req.now ?? T,
  });
}

export function expectOk(r: VerifyResult, secretIndex = 0): void {
  if (!r.ok) expect.fail(`expected ok, got ${r.code}: ${r.reason}`);
  expect(r.secretIndex).toBe(secretIndex);
}

export function expectFail(r: VerifyResult, code: ReasonCode, reason?: RegExp): void {
  if (r.ok) expect.fail(`expected ${code}, got ok`);
  expect(r.code).toBe(code);
  if (reason) expect(r.reason).toMatch(reason);
}

export const withHeader = (h: HeaderList, name: string, value: string): HeaderList => setHeader(h, name, value);
export const without = (h: HeaderList, ...names: string[]): HeaderList => removeHeaders(h, names);

/** The same body with one byte changed. */
export function tamper(body: Buffer): Buffer {
  const b = Buffer.from(body);
  const i = Math.floor(b.length / 2);
  b[i] = b[i] === 0x31 ? 0x32 : 0x31;
  return b;
}

/** Header values from one request, by name (case-insensitive), for two-signature rotation tests. */
export function headerValue(h: HeaderList, name: string): string {
  const v = h.find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!v) throw new Error(`no ${name}`);
  return v[1];
}
