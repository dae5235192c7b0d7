import { afterAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { runCli, startCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send } from '../helpers/http.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** A port that was free a moment ago (the OS picks it; the listener then binds it by number). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('environment and config file reach listen and verify (real binary)', () => {
  it('listen binds the port and host from HOOKDEV_PORT and HOOKDEV_HOST', async () => {
    const port = await freePort();
    const listen = startCli(['listen', '--db', tmp.path('env.db')], {
      cwd: tmp.dir,
      env: { HOOKDEV_PORT: String(port), HOOKDEV_HOST: '127.0.0.1', HOOKDEV_CONFIG: '' },
    });
    try {
      const e = await listen.waitForEvent((ev) => ev.event === 'listening');
      expect(e.url).toBe(`http://127.0.0.1:${port}`);
      expect((await send(`${e.url as string}/x`, { body: 'hi' })).status).toBe(200);
    } finally {
      await listen.stop();
    }
  });

  it("listen binds the config file's port", async () => {
    const port = await freePort();
    const dir = makeTempDir();
    writeFileSync(dir.path('hookdev.config.json'), JSON.stringify({ port }));
    const listen = startCli(['listen', '--db', tmp.path('cfg.db')], { cwd: dir.dir, env: { XDG_CONFIG_HOME: dir.path('xdg') } });
    try {
      const e = await listen.waitForEvent((ev) => ev.event === 'listening');
      expect(e.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await listen.stop();
      dir.cleanup();
    }
  });

  it('verify --method POST is used even when the capture came in as PUT', async () => {
    const dir = makeTempDir();
    const db = dir.path('v.db');
    writeFileSync(
      dir.path('hookdev.config.json'),
      JSON.stringify({ generic: [{ name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex', template: '{method}.{body}' }] }),
    );
    const env = { XDG_CONFIG_HOME: dir.path('xdg') };
    const listen = startCli(['listen', '--port', '0', '--db', db], { cwd: dir.dir, env });
    try {
      const { url } = (await listen.waitForEvent((ev) => ev.event === 'listening')) as { url: string };
      const body = '{"a":1}';
      // Signed as the sender's POST, but arriving as PUT (a proxy rewrote it): --method POST checks what was signed.
      const sig = createHmac('sha256', 'acme-secret-0000').update(`POST.${body}`).digest('hex');
      await send(`${url}/acme`, { method: 'PUT', body, headers: [['X-Acme-Signature', sig]] });
      await listen.waitForEvent((ev) => ev.event === 'request');
    } finally {
      await listen.stop();
    }
    const asCaptured = await runCli(['verify', 'last', '--db', db, '--provider', 'acme', '--secret', 'acme-secret-0000'], { cwd: dir.dir, env });
    expect(asCaptured.code).toBe(1);
    const asPost = await runCli(['verify', 'last', '--db', db, '--provider', 'acme', '--secret', 'acme-secret-0000', '--method', 'POST'], { cwd: dir.dir, env });
    expect(asPost.stderr).toBe('');
    expect(asPost.code).toBe(0);
    dir.cleanup();
  });

  it('a config file mistake is one line naming the field path, exit 2', async () => {
    const dir = makeTempDir();
    writeFileSync(dir.path('hookdev.config.json'), JSON.stringify({ forwardTo: ['http://localhost:3000', 'localhost:3001'] }));
    const r = await runCli(['listen', '--port', '0', '--db', dir.path('x.db')], { cwd: dir.dir, env: { XDG_CONFIG_HOME: dir.path('xdg') } });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`hookdev: config file ${dir.path('hookdev.config.json')}: forwardTo[1]: expected a URL like http://localhost:3000/webhooks`);
    expect(r.stderr).not.toMatch(/internal error/);
    dir.cleanup();
  });
});
