import { afterEach, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../helpers/http.js';
import { deliveriesOf, startApp, startForwardingListener, startRacyApp } from '../../helpers/forward.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('kept-alive connections the app closed while idle', () => {
  it('an app with a short keepAliveTimeout and no Keep-Alive hint: idle past it, then requests all succeed', async () => {
    // `Connection: keep-alive` set by hand makes node:http leave out its `Keep-Alive: timeout=` hint, so our
    // pool only has its own idea of the idle time (4 s) while the app drops sockets after 150 ms.
    const app = await startApp(
      (_req, res) => {
        res.writeHead(200, { Connection: 'keep-alive', 'Content-Length': '2' });
        res.end('ok');
      },
      { keepAliveTimeout: 150 },
    );
    cleanups.push(() => app.stop());
    const l = await startForwardingListener({ targets: [app.url] });
    cleanups.push(() => l.close());

    await send(`${l.url}/e`, { body: 'warm' });
    await waitFor(() => app.received.length === 1);
    const first = app.sockets[0]!;
    await waitFor(() => first.destroyed); // the app closed the idle socket
    await Promise.all([1, 2, 3].map((i) => send(`${l.url}/e`, { body: `after-idle-${i}` })));
    await waitFor(() => app.received.length === 4);
    await l.forwarder.drain();
    for (let id = 1; id <= 4; id++) {
      const ds = deliveriesOf(l, id);
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({ status: 200, error: null, attempt: 1 });
    }
  });

  it.each(['close', '408'] as const)(
    'a reused socket that the app %s-s as our request arrives: resent once on a fresh connection',
    async (mode) => {
      const app = await startRacyApp(mode);
      cleanups.push(() => app.stop());
      const l = await startForwardingListener({ targets: [app.url] });
      cleanups.push(() => l.close());
      for (let i = 1; i <= 3; i++) {
        await send(`${l.url}/e`, { body: `n${i}` });
        await waitFor(() => app.answered === i);
      }
      await l.forwarder.drain();
      for (let id = 1; id <= 3; id++) {
        const ds = deliveriesOf(l, id);
        expect(ds).toHaveLength(1);
        expect(ds[0]).toMatchObject({ status: 200, error: null });
      }
      // The 2nd and 3rd went first into the kept-alive socket (dropped), then on a new one.
      expect(app.connections).toBeGreaterThanOrEqual(3);
    },
  );
});
