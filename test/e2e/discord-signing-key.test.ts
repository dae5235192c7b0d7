// Discord signs with a private key, and hookdev's configured Discord secret (HOOKDEV_SECRET_DISCORD, "secrets.discord")
// is the application's *public* key, which listen and verify check with. send and replay --resign take the signing
// key from --secret only: read from the variable, a public key would be used as a private seed and every signature
// would fail. Real binary, a real app, discord-interactions (the SDK) as the oracle.
import { verifyKey } from 'discord-interactions';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { captureInto, emptyConfigFile } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { startApp, type TestApp } from '../helpers/forward.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('hookdev-discord-signing-');
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const SEED = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
const HINT = /HOOKDEV_SECRET_DISCORD and "secrets.discord" hold the public key listen and verify check with/;

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
});
afterAll(() => tmp.cleanup());

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: { HOOKDEV_CONFIG: emptyConfigFile(), HOOKDEV_SECRET_DISCORD: '', ...env } });
const header = (headers: [string, string][], name: string): string => headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? '';

async function app(): Promise<TestApp> {
  const a = await startApp();
  apps.push(a);
  return a;
}

describe('discord: the signing key comes from --secret, never from the public key listen uses (real binary)', () => {
  it('send with only HOOKDEV_SECRET_DISCORD set: exit 2, one line naming --secret and why, nothing sent', async () => {
    const a = await app();
    const r = await cli(['send', '--provider', 'discord', '--to', a.url, '--db', tmp.path('send.db')], { HOOKDEV_SECRET_DISCORD: PUB });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--secret is required to sign discord events/);
    expect(r.stderr).toMatch(HINT);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.toLowerCase()).not.toContain(PUB.slice(-8));
    expect(a.received).toHaveLength(0);
  });

  it('send with --secret and the variable set: signs with --secret, and the SDK accepts it with the public key', async () => {
    const a = await app();
    const r = await cli(['send', '--provider', 'discord', '--secret', SEED, '--to', a.url, '--db', tmp.path('send2.db')], { HOOKDEV_SECRET_DISCORD: PUB });
    expect(r.code).toBe(0);
    expect(a.received).toHaveLength(1);
    const got = a.received[0]!;
    expect(await verifyKey(got.body, header(got.headers, 'x-signature-ed25519'), header(got.headers, 'x-signature-timestamp'), PUB)).toBe(true);
  });

  it('replay --resign of a Discord request: refused with only the variable set, signed with --secret discord=…', async () => {
    const db = tmp.path('replay.db');
    await captureInto(db, [{ path: '/discord', headers: [['X-Signature-Ed25519', '00'.repeat(64)], ['X-Signature-Timestamp', '1700000000']], body: Buffer.from('{"type":1}') }]);
    const a = await app();
    const refused = await cli(['replay', 'last', '--resign', '--to', a.url, '--db', db], { HOOKDEV_SECRET_DISCORD: PUB });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no discord secret to re-sign request 1/);
    expect(refused.stderr).toMatch(/--secret discord=/);
    expect(refused.stderr).toMatch(HINT);
    expect(a.received).toHaveLength(0);

    const signed = await cli(['replay', 'last', '--resign', '--secret', `discord=${SEED}`, '--to', a.url, '--db', db], { HOOKDEV_SECRET_DISCORD: PUB });
    expect(signed.code).toBe(0);
    expect(a.received).toHaveLength(1);
    const got = a.received[0]!;
    expect(got.body.toString()).toBe('{"type":1}');
    expect(await verifyKey(got.body, header(got.headers, 'x-signature-ed25519'), header(got.headers, 'x-signature-timestamp'), PUB)).toBe(true);
  });
});
