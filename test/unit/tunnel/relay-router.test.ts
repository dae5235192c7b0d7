import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplyRouter } from '../../../src/tunnel/relay-router.js';
import { SqliteRelayStore } from '../../../src/tunnel/relay-store-sqlite.js';

describe('ReplyRouter (senders waiting on this instance)', () => {
  afterEach(() => vi.useRealTimers());

  it('passes the answer to the sender that waits for it, local or through another instance', async () => {
    const r = new ReplyRouter({ responseTimeoutMs: 1000, receiptTimeoutMs: 100 });
    const local = r.open('a');
    const remote = r.open('b');
    r.remote('b');
    r.deliver({ kind: 'answer', id: 'a', answer: { status: 201, headers: [], body: Buffer.from('x') } });
    r.deliver({ kind: 'received', id: 'b' });
    r.deliver({ kind: 'answer', id: 'b', answer: { status: 200, headers: [], body: Buffer.alloc(0) } });
    expect(await local).toMatchObject({ kind: 'answer', remote: false, answer: { status: 201 } });
    expect(await remote).toMatchObject({ kind: 'answer', remote: true });
    expect(r.size).toBe(0);
  });

  it('a remote wait with no receipt ends as gone (the other instance died); acked is remembered', async () => {
    vi.useFakeTimers();
    const r = new ReplyRouter({ responseTimeoutMs: 10_000, receiptTimeoutMs: 100 });
    const silent = r.open('s');
    r.remote('s');
    vi.advanceTimersByTime(250);
    expect(await silent).toEqual({ kind: 'gone', acked: false });
    const received = r.open('t');
    r.remote('t');
    r.deliver({ kind: 'acked', id: 't' });
    vi.advanceTimersByTime(250); // received: the receipt timer does not end it
    expect(r.has('t')).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(await received).toEqual({ kind: 'timeout', acked: true });
  });

  it('cancel forgets a waiter; closeAll answers the rest as gone', async () => {
    const r = new ReplyRouter({ responseTimeoutMs: 1000, receiptTimeoutMs: 100 });
    void r.open('c');
    r.cancel('c');
    expect(r.has('c')).toBe(false);
    const left = r.open('d');
    r.closeAll();
    expect(await left).toEqual({ kind: 'gone', acked: false });
  });
});

describe('SqliteRelayStore leases (one process)', () => {
  it('grants a free channel, refuses another client, lets the same client take over with a new epoch', async () => {
    const s = new SqliteRelayStore(':memory:', { maxCount: 10, maxBytes: 1000 });
    const first = await s.claim('chan-a', 'client-1', 0);
    expect(first).toMatchObject({ kind: 'granted', takenFrom: '' });
    expect(await s.claim('chan-a', 'client-2', 0)).toMatchObject({ kind: 'held', holder: { clientId: 'client-1' } });
    expect(await s.claim('chan-a', 'client-1', 1)).toMatchObject({ kind: 'held' }); // same id, other token: not the same client
    const again = await s.claim('chan-a', 'client-1', 0);
    expect(again).toMatchObject({ kind: 'granted', takenFrom: 'local' });
    const e1 = first.kind === 'granted' ? first.epoch : 0;
    const e2 = again.kind === 'granted' ? again.epoch : 0;
    expect(e2).toBeGreaterThan(e1);
    const old = { instance: 'local', clientId: 'client-1', tokenIndex: 0, epoch: e1 };
    expect(await s.renew('chan-a', old)).toBe('lost');
    s.release('chan-a', old); // a stale holder cannot free the new lease
    expect(await s.claim('chan-a', 'client-2', 0)).toMatchObject({ kind: 'held' });
    s.release('chan-a', { ...old, epoch: e2 });
    expect(await s.claim('chan-a', 'client-2', 0)).toMatchObject({ kind: 'granted' });
    await s.close();
  });
});

describe('ReplyRouter response timeout beyond what one Node timer holds', () => {
  afterEach(() => vi.useRealTimers());

  it('a timeout of weeks is neither early (Node would fire an overlong timer after 1 ms) nor busy', async () => {
    vi.useFakeTimers();
    const week = 7 * 24 * 3600 * 1000; // above 2^31-1 ms
    const r = new ReplyRouter({ responseTimeoutMs: 4 * week, receiptTimeoutMs: 100 });
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const waiting = r.open('w');
    vi.advanceTimersByTime(1000);
    expect(r.has('w')).toBe(true);
    expect(armed).toHaveBeenCalledTimes(1); // not re-armed every millisecond
    vi.advanceTimersByTime(4 * week);
    expect(await waiting).toEqual({ kind: 'timeout', acked: false });
    armed.mockRestore();
  });
});
