import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseReplayOptions } from '../../../src/commands/replay.js';
import { UsageError } from '../../../src/core/errors.js';
import { baseOf, planReplays, prepareReplay, resolveTarget, summarize } from '../../../src/forward/replay.js';
import { getProvider } from '../../../src/signatures/index.js';

const stored = {
  method: 'POST',
  url: '/hooks/stripe?x=1',
  headers: [
    ['Host', 'abc.tunnel.test'],
    ['Content-Type', 'application/json'],
    ['Stripe-Signature', 't=1,v1=dead'],
    ['Content-Length', '15'],
  ] as Array<[string, string]>,
  body: Buffer.from('{ "id":"evt_1"}'),
};

describe('planReplays', () => {
  it('sends each request `times` times in a row, by id', () => {
    expect(planReplays(['a', 'b'], { times: 2, shuffle: false })).toEqual([
      { request: 'a', copy: 1 },
      { request: 'a', copy: 2 },
      { request: 'b', copy: 1 },
      { request: 'b', copy: 2 },
    ]);
  });

  it('shuffles the whole list (Fisher–Yates with the given random)', () => {
    const seq = [0.1, 0.9, 0.5, 0.3, 0.7];
    let i = 0;
    const out = planReplays(['a', 'b', 'c', 'd'], { times: 1, shuffle: true, random: () => seq[i++ % seq.length]! });
    expect(out.map((s) => s.request).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(out.map((s) => s.request)).not.toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('resolveTarget', () => {
  it('--to, then config forwardTo, then the remembered target base', () => {
    const last = { url: 'http://l/base', keepPath: false };
    expect(resolveTarget('http://a', ['http://c'], last)).toEqual({ url: 'http://a', source: 'flag', exact: false });
    expect(resolveTarget(undefined, ['http://c'], last)).toEqual({ url: 'http://c', source: 'config', exact: false });
    // The base: each request's own path is appended, as forwarding does (issue 10 item 10).
    expect(resolveTarget(undefined, [], last)).toEqual({ url: 'http://l/base', source: 'last-used', exact: false });
    expect(resolveTarget(undefined, [], { url: 'http://l/hook', keepPath: true })?.exact).toBe(true);
    expect(resolveTarget(undefined, undefined, null)).toBeNull();
    expect(resolveTarget('http://a/x', [], null, true)?.exact).toBe(true);
  });

  it('baseOf takes the captured path and query off a delivered URL', () => {
    expect(baseOf('http://app:3000/api/stripe?x=1', '/stripe?x=1')).toEqual({ url: 'http://app:3000/api', keepPath: false });
    expect(baseOf('http://app:3000/stripe', '/stripe')).toEqual({ url: 'http://app:3000', keepPath: false });
    expect(baseOf('http://app:3000/hook', '/')).toEqual({ url: 'http://app:3000/hook', keepPath: false });
    // Sent with --keep-path: the URL does not end with the captured path, so it is the target as given.
    expect(baseOf('http://app:3000/hook', '/other')).toEqual({ url: 'http://app:3000/hook', keepPath: true });
  });
});

describe('prepareReplay', () => {
  const target = { url: 'http://127.0.0.1:3000/app', source: 'flag' as const, exact: false };

  it('keeps the body byte-exact and the headers as captured (minus Host and Content-Length)', () => {
    const out = prepareReplay(stored, { target });
    expect(out.url).toBe('http://127.0.0.1:3000/app/hooks/stripe?x=1');
    expect(out.body.equals(stored.body)).toBe(true);
    expect(out.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 't=1,v1=dead'],
    ]);
  });

  it('re-signs with a fresh timestamp that the official Stripe SDK accepts', () => {
    const secret = 'whsec_test_secret';
    const now = Math.floor(Date.now() / 1000);
    const out = prepareReplay(stored, { target, sign: { provider: getProvider('stripe')!, secret, now } });
    const sig = out.headers.find(([k]) => k === 'Stripe-Signature')![1];
    expect(sig).toMatch(new RegExp(`^t=${now},v1=`));
    const event = new Stripe('sk_test_x').webhooks.constructEvent(out.body, sig, secret);
    expect(event.id).toBe('evt_1');
  });

  it('applies --set-header last (it can override a signature) and replaces every repeat', () => {
    const out = prepareReplay(
      { ...stored, headers: [...stored.headers, ['X-Dup', '1'], ['x-dup', '2']] },
      {
        target,
        sign: { provider: getProvider('stripe')!, secret: 'whsec_x', now: 5 },
        setHeaders: [['Stripe-Signature', 'broken'], ['X-Dup', '3'], ['X-New', 'n']],
      },
    );
    expect(out.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 'broken'],
      ['X-Dup', '3'],
      ['X-New', 'n'],
    ]);
  });

  it('uses an edited body', () => {
    expect(prepareReplay(stored, { target, body: Buffer.from('new') }).body.toString()).toBe('new');
  });
});

describe('summarize', () => {
  it('one line on the run', () => {
    expect(summarize([{ status: 200, failure: null }, { status: 204, failure: null }])).toEqual({ ok: true, line: '2 of 2 replays got 2xx' });
    expect(
      summarize([
        { status: 500, failure: null },
        { status: 200, failure: null },
        { status: 500, failure: null },
        { status: null, failure: 'unreachable' },
        { status: 200, failure: null },
      ]),
    ).toEqual({ ok: false, line: '3 of 5 replays failed (2 got 500, 1 unreachable)' });
  });
});

describe('parseReplayOptions', () => {
  it('parses flags into typed options', () => {
    const o = parseReplayOptions(
      '3..1',
      { to: 'http://localhost:3000', times: '3', delay: '250ms', setHeader: ['X-A: b'], secret: ['stripe=whsec_1'], shuffle: true },
      { HOOKDEV_SECRET_GITHUB: 'gh' },
      { forwardTo: ['http://c'] },
    );
    expect(o).toMatchObject({
      selector: { kind: 'range', from: 1, to: 3, reversed: true },
      times: 3,
      delayMs: 250,
      shuffle: true,
      setHeaders: [['X-A', 'b']],
      secrets: { stripe: ['whsec_1'], github: ['gh'] },
      configForwardTo: ['http://c'],
    });
  });

  it.each([
    [{ to: 'localhost:3000' }],
    [{ times: '0' }],
    [{ delay: 'soon' }],
    [{ setHeader: ['no colon'] }],
  ])('refuses bad input %o', (flags) => {
    expect(() => parseReplayOptions('1', flags, {}, {})).toThrow(UsageError);
  });
});
