import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub, type PipelineEvent } from '../../../src/core/events.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { Exchange, OutgoingRequest } from '../../../src/forward/exchange.js';
import { makeForwarder } from '../../../src/forward/index.js';
import { Lane } from '../../../src/forward/lane.js';
import { openStore, WriteBatcher } from '../../../src/store/index.js';
import { waitFor } from '../../helpers/http.js';

const ok: Exchange = { startedAt: 0, durationMs: 1, status: 200, headers: [], body: Buffer.alloc(0), truncated: false, error: null, failure: null };
const refused: Exchange = { ...ok, status: null, body: null, error: 'connection refused', failure: 'unreachable' };

function makeLane(up: () => boolean, retryForMs = 10_000) {
  const sent: string[] = [];
  const recorded: Array<{ body: string; attempt: number; status: number | null; waiting?: number; error?: string }> = [];
  const events: PipelineEvent[] = [];
  const hub = new EventHub();
  hub.subscribe((e) => events.push(e));
  const lane = new Lane({
    target: 'http://app',
    events: hub,
    send: async (req: OutgoingRequest) => {
      await Promise.resolve();
      sent.push(req.body.toString());
      return up() ? ok : refused;
    },
    record: (job, result, extras) =>
      recorded.push({ body: job.request.body.toString(), attempt: job.attempts, status: result.status, ...extras }),
    retryForMs,
    initialDelayMs: 5,
    maxDelayMs: 10,
    clock: Date.now,
  });
  let seq = 0;
  const submit = (body: string) =>
    lane.submit({ seq: ++seq, requestId: seq, request: { url: 'http://app/', method: 'POST', headers: [], body: Buffer.from(body) }, attempts: 0, waitingSince: null });
  return { lane, sent, recorded, events, submit };
}

describe('Lane', () => {
  it('waits for an unreachable app, then sends in arrival order; every attempt recorded', async () => {
    let isUp = false;
    const l = makeLane(() => isUp);
    const done = [l.submit('a'), l.submit('b'), l.submit('c')];
    await waitFor(() => l.lane.waitingCount === 3 && l.recorded.length >= 4); // all three waiting, head retried
    isUp = true;
    await Promise.all(done);
    const delivered = l.recorded.filter((r) => r.status === 200).map((r) => r.body);
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(l.recorded.filter((r) => r.body === 'a').map((r) => r.attempt)).toEqual(
      l.recorded.filter((r) => r.body === 'a').map((_, i) => i + 1),
    );
    expect(l.recorded.find((r) => r.status === null)!.waiting).toBeGreaterThan(0);
    const states = l.events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
    expect(states).toEqual(['unreachable', 'reachable']);
  });

  it('gives up after the retry window, each request at least tried once', async () => {
    const l = makeLane(() => false, 30);
    await Promise.all([l.submit('a'), l.submit('b')]);
    const last = l.recorded.filter((r) => r.error?.startsWith('gave up'));
    expect(last.map((r) => r.body)).toEqual(['a', 'b']);
  });

  it('close() records every waiting request as failed without more tries', async () => {
    const l = makeLane(() => false);
    const done = [l.submit('a'), l.submit('b')];
    await waitFor(() => l.lane.waitingCount === 2);
    l.lane.close();
    await Promise.all(done);
    expect(l.recorded.filter((r) => /hookdev stopped/.test(r.error ?? '')).map((r) => r.body)).toEqual(['a', 'b']);
  });
});

/** An app whose answers the test releases by hand, noting how many requests it holds at once. */
function heldLane(maxInFlight?: number) {
  const started: string[] = [];
  const held = new Map<string, (answer?: Exchange) => void>();
  const recorded: Array<{ body: string; status: number | null }> = [];
  let maxHeld = 0;
  const lane = new Lane({
    target: 'http://app',
    events: new EventHub(),
    send: (req: OutgoingRequest) =>
      new Promise<Exchange>((resolve) => {
        const body = req.body.toString();
        started.push(body);
        held.set(body, (answer = ok) => (held.delete(body), resolve(answer)));
        maxHeld = Math.max(maxHeld, held.size);
      }),
    record: (job, result) => recorded.push({ body: job.request.body.toString(), status: result.status }),
    retryForMs: 10_000,
    initialDelayMs: 5,
    maxDelayMs: 10,
    clock: Date.now,
    ...(maxInFlight ? { maxInFlight } : {}),
  });
  let seq = 0;
  const submit = (body: string, inTurn: boolean) =>
    lane.submit({ seq: ++seq, requestId: seq, request: { url: 'http://app/', method: 'POST', headers: [], body: Buffer.from(body) }, attempts: 0, waitingSince: null }, inTurn);
  return { started, held, recorded, submit, lane, max: () => maxHeld };
}

describe('Lane: a backlog in turn', () => {

  it('sends a backlog one at a time, in order, even when later answers would come first; live traffic then waits its turn', async () => {
    const l = heldLane();
    const done = [l.submit('q1', true), l.submit('q2', true), l.submit('q3', true), l.submit('live1', false)];
    await waitFor(() => l.held.has('q1') || null);
    await Promise.resolve();
    expect(l.started).toEqual(['q1']); // q2 waits for q1's answer
    for (const next of ['q1', 'q2', 'q3']) {
      await waitFor(() => l.held.get(next) ?? null);
      l.held.get(next)!();
    }
    (await waitFor(() => l.held.get('live1') ?? null))();
    await Promise.all(done);
    expect(l.started).toEqual(['q1', 'q2', 'q3', 'live1']);
    expect(l.max()).toBe(1);
  });

  it('live traffic with no backlog pending still goes out concurrently', async () => {
    const l = heldLane();
    const done = [l.submit('a', false), l.submit('b', false), l.submit('c', false)];
    await waitFor(() => l.held.size === 3 || null);
    for (const release of [...l.held.values()]) release();
    await Promise.all(done);
    expect(l.max()).toBe(3);
  });
});

describe('Lane: sends in flight', () => {
  it('hands at most maxInFlight to the app at once; the rest go in arrival order as answers come back', async () => {
    const l = heldLane(2);
    const done = ['a', 'b', 'c', 'd', 'e'].map((b) => l.submit(b, false));
    await waitFor(() => l.held.size === 2 || null);
    await new Promise((r) => setImmediate(r));
    expect(l.started).toEqual(['a', 'b']);
    l.held.get('b')!();
    await waitFor(() => l.held.has('c') || null);
    expect(l.started).toEqual(['a', 'b', 'c']);
    // A request arriving now waits behind d and e, which were there first.
    done.push(l.submit('f', false));
    l.held.get('a')!();
    l.held.get('c')!();
    await waitFor(() => l.started.length === 5 || null);
    expect(l.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (;;) {
      for (const release of [...l.held.values()]) release();
      if (l.started.length === 6 && l.held.size === 0) break;
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    expect(l.started).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(l.max()).toBe(2);
    expect(l.recorded.map((r) => r.body).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('requests waiting for a slot when the app goes down queue behind the one waiting for the app, in arrival order', async () => {
    const l = heldLane(1);
    const done = ['a', 'b', 'c'].map((b) => l.submit(b, false));
    await waitFor(() => l.held.has('a') || null);
    l.held.get('a')!(refused); // the app is down: a waits, b and c must not overtake it
    // The lane retries its head (a) until the app answers; b and c were never sent before a got through.
    for (;;) {
      const next = l.held.keys().next().value as string | undefined;
      if (next) l.held.get(next)!(ok);
      if (l.recorded.filter((r) => r.status === 200).length === 3) break;
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    expect(l.recorded.filter((r) => r.status === 200).map((r) => r.body)).toEqual(['a', 'b', 'c']);
    expect(l.started.slice(0, 2)).toEqual(['a', 'a']);
    expect(l.lane.waitingCount).toBe(0);
  });

  it('thousands waiting for a slot when the app goes down all wait for it, then reach it in arrival order', async () => {
    let up = false;
    const delivered: number[] = [];
    const lane = new Lane({
      target: 'http://app',
      events: new EventHub(),
      send: async (req: OutgoingRequest) => {
        await Promise.resolve();
        if (!up) return refused;
        delivered.push(Number(req.body.toString()));
        return ok;
      },
      record: () => undefined,
      retryForMs: 60_000,
      initialDelayMs: 1,
      maxDelayMs: 2,
      clock: Date.now,
      maxInFlight: 2,
    });
    const n = 5000;
    const done = Array.from({ length: n }, (_, i) =>
      lane.submit({ seq: i + 1, requestId: i + 1, request: { url: 'http://app/', method: 'POST', headers: [], body: Buffer.from(String(i + 1)) }, attempts: 0, waitingSince: null }),
    );
    await waitFor(() => lane.waitingCount === n || null);
    up = true;
    await Promise.all(done);
    expect(delivered).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});

describe('makeForwarder', () => {
  it('refuses a target that is not an http(s) URL', async () => {
    const store = openStore(':memory:');
    await expect(
      makeForwarder({ deliveries: new WriteBatcher(store), events: new EventHub(), targets: ['http://ok'], routes: [{ to: 'localhost:3000' }] }),
    ).rejects.toBeInstanceOf(ConfigError);
    store.close();
  });
});

describe('Lane retry timing (fake timers, fixed jitter)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** When each attempt went out, in ms since the first, for a lane whose app never answers. */
  async function attemptTimes(random: () => number): Promise<{ times: number[]; error: string | undefined }> {
    vi.useFakeTimers({ now: 0 });
    const times: number[] = [];
    const recorded: Array<{ error?: string }> = [];
    const lane = new Lane({
      target: 'http://app',
      events: new EventHub(),
      send: async () => {
        times.push(Date.now());
        return refused;
      },
      record: (_job, _result, extras) => recorded.push(extras),
      retryForMs: 1000,
      initialDelayMs: 100,
      maxDelayMs: 400,
      clock: () => Date.now(),
      random,
    });
    const done = lane.submit({ seq: 1, requestId: 1, request: { url: 'http://app/', method: 'POST', headers: [], body: Buffer.alloc(0) }, attempts: 0, waitingSince: null });
    await vi.advanceTimersByTimeAsync(5000);
    await done;
    return { times, error: recorded.at(-1)?.error };
  }

  it('backs off exponentially up to the cap, and gives up once the window has passed', async () => {
    // Jitter at its top: the ceiling itself, 100, 200, 400, 400…
    const top = await attemptTimes(() => 0.999999);
    expect(top.times).toEqual([0, 99, 298, 697, 1096]);
    expect(top.error).toBe('gave up after 1.1s: connection refused');
  });

  it('spreads the waits with jitter (full jitter: uniform below the ceiling)', async () => {
    const half = await attemptTimes(() => 0.5);
    expect(half.times).toEqual([0, 50, 150, 350, 550, 750, 950, 1150]);
  });
});
