import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { runCli, startCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { send } from '../helpers/http.js';

describe('hookdev.config.json in the project directory', () => {
  it('supplies secrets, a generic scheme and path hints to listen', async () => {
    const tmp = makeTempDir();
    writeFileSync(
      tmp.path('hookdev.config.json'),
      JSON.stringify({
        secrets: { acme: 'acme-key-123456', intercom: 'ic-secret-000000' },
        providers: [{ pathPrefix: '/intercom', provider: 'intercom' }],
        generic: [{ name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', template: '{timestamp}.{body}', timestampHeader: 'X-Acme-Timestamp' }],
      }),
    );
    const db = tmp.path('cfg.db');
    const env = { XDG_CONFIG_HOME: tmp.path('xdg') };
    const listen = startCli(['listen', '--port', '0', '--db', db], { cwd: tmp.dir, env });
    const { url } = (await listen.waitForEvent((e) => e.event === 'listening')) as { url: string };
    const body = '{"event":"thing.created"}';
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', 'acme-key-123456').update(`${ts}.${body}`).digest('hex');
    await send(`${url}/acme`, { body, headers: [['X-Acme-Signature', `sha256=${sig}`], ['X-Acme-Timestamp', ts]] });
    const acme = await listen.waitForEvent((e) => e.event === 'request' && e.url === '/acme');
    expect(acme).toMatchObject({ provider: 'acme', signature: { status: 'valid' } });

    const icSig = createHmac('sha1', 'ic-secret-000000').update(body).digest('hex');
    await send(`${url}/intercom/hook`, { body, headers: [['X-Hub-Signature', `sha1=${icSig}`]] });
    const ic = await listen.waitForEvent((e) => e.event === 'request' && e.url === '/intercom/hook');
    expect(ic).toMatchObject({ provider: 'intercom', signature: { status: 'valid' } });
    await listen.stop();

    writeFileSync(tmp.path('hookdev.config.json'), JSON.stringify({ generic: [{ name: 'acme', header: 'X', algorithm: 'md5' }] }));
    const broken = await runCli(['listen', '--port', '0', '--db', db], { cwd: tmp.dir, env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/algorithm/);
    writeFileSync(tmp.path('hookdev.config.json'), '{ not json');
    const invalid = await runCli(['list', '--db', db], { cwd: tmp.dir, env });
    expect(invalid.code).toBe(0); // list does not need the config
    const bad = await runCli(['listen', '--port', '0', '--db', db], { cwd: tmp.dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
    tmp.cleanup();
  });
});
