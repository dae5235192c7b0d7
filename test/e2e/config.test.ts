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

describe('db in hookdev.config.json', () => {
  it('is the history of every command, not only listen; --db and HOOKDEV_DB come first', async () => {
    const tmp = makeTempDir();
    const db = tmp.path('from-config.db');
    writeFileSync(tmp.path('hookdev.config.json'), JSON.stringify({ db }));
    const env = { XDG_CONFIG_HOME: tmp.path('xdg'), XDG_DATA_HOME: tmp.path('data'), HOOKDEV_DB: '' };
    const listen = startCli(['listen', '--port', '0'], { cwd: tmp.dir, env });
    const { url, db: used } = (await listen.waitForEvent((e) => e.event === 'listening')) as { url: string; db: string };
    expect(used).toBe(db);
    await send(`${url}/from-config`, { body: '{"a":1}' });
    await listen.waitForEvent((e) => e.event === 'request');
    await listen.stop();

    const list = await runCli(['list', '--json'], { cwd: tmp.dir, env });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout.toString())).toMatchObject({ url: '/from-config' });
    const show = await runCli(['show', 'last', '--body'], { cwd: tmp.dir, env });
    expect([show.code, show.stdout.toString()]).toEqual([0, '{"a":1}']);
    const exported = await runCli(['export'], { cwd: tmp.dir, env });
    expect(exported.code).toBe(0);
    expect(exported.stdout.toString()).toContain('/from-config');
    const pruned = await runCli(['prune', '--keep', '5'], { cwd: tmp.dir, env });
    expect([pruned.code, pruned.stdout.toString()]).toEqual([0, 'deleted 0 requests, 1 left\n']);

    // The variable outranks the file, as for `port`.
    const other = tmp.path('from-env.db');
    const byEnv = await runCli(['list'], { cwd: tmp.dir, env: { ...env, HOOKDEV_DB: other } });
    expect([byEnv.code, byEnv.stderr]).toEqual([1, `hookdev: no history at ${other}\n  hint: run \`hookdev listen\` first, or pass --db PATH\n`]);
    tmp.cleanup();
  });
});
