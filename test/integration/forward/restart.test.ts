import { afterEach, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../helpers/http.js';
import { deliveriesOf, startApp, startForwardingListener } from '../../helpers/forward.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('app restart mid-stream', () => {
  it('queues while the app is down and delivers each request once, in arrival order, when it is back', async () => {
    const app = await startApp();
    cleanups.push(() => app.stop());
    const l = await startForwardingListener({ targets: [app.url], retryInitialDelayMs: 20, retryMaxDelayMs: 100 });
    cleanups.push(() => l.close());

    await send(`${l.url}/e`, { body: 'event-0' });
    await waitFor(() => app.received.length === 1);
    await app.stop();

    // The sender is answered right away while the app is down.
    for (let i = 1; i <= 6; i++) expect((await send(`${l.url}/e`, { body: `event-${i}` })).status).toBe(200);
    await waitFor(() => l.events.some((e) => e.type === 'state' && e.state === 'unreachable'));
    const waitingEvent = await waitFor(() => l.events.find((e) => e.type === 'delivery' && (e.waiting ?? 0) >= 2));
    expect(waitingEvent).toBeTruthy();

    await app.start(app.port);
    await waitFor(() => app.received.length === 7);
    await l.forwarder.drain();
    expect(app.received.map((r) => r.body.toString())).toEqual(Array.from({ length: 7 }, (_, i) => `event-${i}`));
    expect(l.events.some((e) => e.type === 'state' && e.state === 'reachable' && /app back/.test(e.message))).toBe(true);
    for (let id = 2; id <= 7; id++) {
      const ds = deliveriesOf(l, id);
      expect(ds.at(-1)!.status).toBe(200);
      expect(ds.filter((d) => d.status !== null)).toHaveLength(1);
    }
  });

  it('requests that arrive while the queue drains never overtake it', async () => {
    // A slow app: draining the queue takes a while, and new requests come in meanwhile.
    const app = await startApp((_req, res) => void setTimeout(() => res.end('ok'), 30));
    cleanups.push(() => app.stop());
    const l = await startForwardingListener({ targets: [app.url], retryInitialDelayMs: 20, retryMaxDelayMs: 60 });
    cleanups.push(() => l.close());
    await app.stop();
    for (const b of ['q1', 'q2', 'q3', 'q4', 'q5']) await send(`${l.url}/e`, { body: b });
    await waitFor(() => l.events.some((e) => e.type === 'state' && e.state === 'unreachable'));
    await app.start(app.port);
    await waitFor(() => app.received.length >= 1);
    for (const b of ['n1', 'n2', 'n3']) await send(`${l.url}/e`, { body: b });
    await waitFor(() => app.received.length === 8);
    expect(app.received.map((r) => r.body.toString())).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'n1', 'n2', 'n3']);
  });
});
