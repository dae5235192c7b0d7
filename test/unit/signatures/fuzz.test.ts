import { describe, expect, it } from 'vitest';
import { analyze, genericProvider, getProvider, providerNames } from '../../../src/signatures/index.js';
import type { GenericDefinition, Provider } from '../../../src/signatures/types.js';
import { T } from './helpers.js';

// Hostile input must come back as a verdict, never as an exception. Seeded so a failure reproduces.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER_NAMES = [
  'Stripe-Signature', 'X-Hub-Signature-256', 'X-Hub-Signature', 'User-Agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature',
  'svix-id', 'svix-timestamp', 'svix-signature', 'X-Slack-Signature', 'X-Slack-Request-Timestamp', 'X-Twilio-Signature',
  'X-Twilio-Webhooks-Signature-Settings', 'Content-Type', 'Content-Encoding', 'X-Shopify-Hmac-Sha256', 'Paddle-Signature',
  'Linear-Signature', 'X-Square-HmacSha256-Signature', 'x-zm-signature', 'x-zm-request-timestamp', 'X-Signature-Ed25519',
  'X-Signature-Timestamp', 'Typeform-Signature', 'X-Gitlab-Token', 'X-Signature', 'X-Timestamp', 'Host', 'X-Forwarded-Proto',
  'X-Forwarded-Host', 'X-Forwarded-Port', 'X-GitHub-Event', 'X-Gitlab-Event',
];

const GENERIC: GenericDefinition[] = [
  { name: 'timed', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', template: '{timestamp}.{url}.{body}', timestampHeader: 'X-Timestamp' },
];

function generators(r: () => number) {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
  const hex = (n: number) => chars('0123456789abcdefABCDEFxyz', n);
  const b64 = (n: number) => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ', n);
  const bytes = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => int(256)));
  const unicode = (n: number) => Array.from({ length: n }, () => pick(['é', '😀', '\ud800', '\udfff', '\u0000', '\n', '\r', ',', ';', '=', ' ', 'v1', 'h1'])).join('');
  const num = () => pick(['-1', '0', '1e309', 'NaN', '0x10', ' 1700000000 ', '99999999999999999999', String(T), String(T * 1000), '1700000000.5', '']);
  const value = (): string =>
    pick([
      () => '',
      () => chars(' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~', int(200)),
      () => 'A'.repeat(50_000 + int(100_000)),
      () => bytes(int(300)),
      () => unicode(int(50)),
      num,
      () => `t=${num()},v1=${hex(int(80))},v0=${hex(64)},t=${num()}`,
      () => `ts=${num()};h1=${hex(int(80))};h1=;=;;`,
      () => Array.from({ length: int(6) }, () => `${pick(['v1', 'v1a', 'v2', ''])},${b64(int(100))}`).join(pick([' ', '  ', ',', ''])),
      () => `${pick(['sha256=', 'sha1=', 'v0=', 'v1=', 'SHA256=', ''])}${pick([hex, b64])(int(130))}`,
      () => `key=${b64(10)},algorithm=${pick(['HMAC_SHA256', 'hmac_sha1', 'HMAC_MD5', '', '=='])}`,
      () => hex(int(260)),
      () => b64(int(200)),
    ])();
  const body = (): Buffer =>
    pick([
      () => Buffer.alloc(0),
      () => Buffer.from(bytes(int(2000)), 'latin1'),
      () => Buffer.from(`{"id":"evt_${int(99)}","type":${pick(['"a.b"', '1', 'null', '[]', '{}'])},"webhookTimestamp":${num() || 0}}`),
      () => Buffer.from(unicode(int(200))),
      () => Buffer.from([0x1f, 0x8b, ...Array.from({ length: int(50) }, () => int(256))]),
      () => Buffer.from(`a=${unicode(5)}&b=%zz&c=%E0%A4%A&&=&d[]=1&d[]=2`),
      () => Buffer.from('{'.repeat(5000)),
    ])();
  const url = () => pick(['', '/hook', 'https://example.test/hook?bodySHA256=abc', 'http://[::1', 'https://ex ample.test/a?b=1&c=2&d=3&e=4&f=5', `https://${value().slice(0, 50)}`, 'ftp://x/y', value()]);
  const secret = () =>
    pick([
      () => `whsec_${b64(32)}`,
      () => `whpk_${Buffer.alloc(32, int(256)).toString('base64')}`,
      () => `whsk_${b64(44)}`,
      () => hex(64),
      () => `x${value()}`,
      () => 'AAAA',
    ])();
  const headers = (): Array<[string, string]> =>
    Array.from({ length: int(10) }, () => [pick([...HEADER_NAMES, value().slice(0, 20) || 'X']), value()] as [string, string]);
  return { int, pick, value, body, url, secret, headers };
}

const providers = (): Provider[] => [...providerNames.map((n) => getProvider(n)!), genericProvider(GENERIC[0]!)];

describe('hostile input never throws', () => {
  for (const p of providers()) {
    it(`${p.name}: verify and eventInfo on random headers, bodies, urls, secrets`, () => {
      const g = generators(rng(p.name.length * 7919 + p.name.charCodeAt(0)));
      for (let i = 0; i < 250; i++) {
        const input = { body: g.body(), headers: g.headers(), url: g.url(), method: 'POST', secrets: [g.secret(), g.secret()], now: T + g.int(1000) - 500, tolerance: g.pick([undefined, 0, 5, -1, Infinity, NaN]) };
        const r = p.verify(input);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        p.eventInfo(input.headers, input.body);
      }
    });
  }

  it('analyze (with diagnosis) on random requests, every provider forced and detected', () => {
    const g = generators(rng(42));
    const names = [...providerNames, 'timed', 'standard', undefined, undefined, undefined];
    for (let i = 0; i < 400; i++) {
      const secrets: Record<string, string[]> = {};
      for (const n of providerNames) secrets[n] = [g.secret()];
      secrets.timed = [g.secret()];
      const v = analyze({ body: g.body(), headers: g.headers(), url: g.url(), method: 'POST', secrets, now: T, provider: g.pick(names), generic: GENERIC });
      expect(['valid', 'invalid', 'unsigned', 'no-secret']).toContain(v.status);
      expect(typeof v.reason).toBe('string');
      expect(v.reason).not.toMatch(/unexpectedly/); // analyze's safety net must never be what caught it
    }
  });

  it('valid signatures with one mutated character still never throw', () => {
    const g = generators(rng(7));
    for (const p of providers()) {
      const secret = p.name === 'discord' ? '01'.repeat(32) : p.name === 'standard-webhooks' || p.name === 'svix' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : 'secret';
      const verifySecret = p.name === 'discord' ? '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c' : secret;
      for (let i = 0; i < 40; i++) {
        const body = g.body();
        const url = 'https://example.test/hook?x=1';
        const headers = p.sign({ body, headers: g.headers(), url, method: 'POST', secret, now: T });
        const k = g.int(headers.length);
        const [name, value] = headers[k]!;
        const at = g.int(value.length + 1);
        const mutated = headers.map((h, j) => (j === k ? ([name, value.slice(0, at) + g.value().slice(0, 3) + value.slice(at + 1)] as [string, string]) : h));
        expect(typeof p.verify({ body, headers: mutated, url, method: 'POST', secrets: [verifySecret], now: T }).ok).toBe('boolean');
      }
    }
  });
});
