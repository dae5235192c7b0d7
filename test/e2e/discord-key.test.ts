import { verifyKey } from 'discord-interactions';
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureInto, emptyConfigFile } from '../helpers/forward-replay.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

// A Discord "secret" is the application's public key (32 bytes, 64 hex). A 128-hex Ed25519 secret key (seed ‖ public
// key, from a test keypair or the wrong field) is named as such, by its length only, through the real binary:
// `verify` gives the verdict's reason with exit 1, as it does for every other malformed secret; `listen` refuses it
// at start-up with exit 2, as it does for every other malformed secret.

const tmp = makeTempDir('hookdev-discord-key-');
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const SEED = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
const SECRET_KEY = SEED + PUB;
const BODY = Buffer.from('{"type":1,"id":"ping-1"}');
const TS = '1700000000';
// Signed by node:crypto itself, so no hookdev code stands between the key and the signature.
const SIG = edSign(null, Buffer.concat([Buffer.from(TS), BODY]), privateKey).toString('hex');
const HEADERS = ['-H', `X-Signature-Ed25519: ${SIG}`, '-H', `X-Signature-Timestamp: ${TS}`];
const REASON =
  "this looks like an Ed25519 secret key (64 bytes: seed + public key, its second half); Discord's public key is 32 bytes (64 hex characters): Discord Developer Portal → your app → General Information → Public Key";

let bodyFile: string;
let db: string;
beforeAll(async () => {
  bodyFile = tmp.path('body.json');
  writeFileSync(bodyFile, BODY);
  db = tmp.path('h.db');
  await captureInto(db, [{ path: '/discord', headers: [['X-Signature-Ed25519', SIG], ['X-Signature-Timestamp', TS]], body: BODY }]);
});
afterAll(() => tmp.cleanup());

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: { HOOKDEV_CONFIG: emptyConfigFile(), ...env } });

/** Nothing of the key in the output: not whole, not either half, not their first or last 8 characters. */
function expectNoKey(r: CliResult): void {
  const out = r.stdout.toString() + r.stderr;
  for (const part of [SECRET_KEY, SEED, PUB, SEED.slice(0, 8), SEED.slice(-8), PUB.slice(0, 8), PUB.slice(-8)]) {
    expect(out.toLowerCase()).not.toContain(part);
  }
}

describe('discord: a 128-hex secret key given where the public key belongs (real binary)', () => {
  it('the discord-interactions SDK accepts this request with the public key and never with the secret key', async () => {
    expect(await verifyKey(BODY, SIG, TS, PUB)).toBe(true);
    expect(await verifyKey(BODY, SIG, TS, SECRET_KEY)).toBe(false);
  });

  it('hookdev verify --body-file: exit 1, the reason names a secret key and where the public key is', async () => {
    const r = await cli(['verify', '--body-file', bodyFile, '--provider', 'discord', '--secret', SECRET_KEY, ...HEADERS]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`✗ discord: ${REASON}`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expectNoKey(r);
    // The same request with the public key is valid: the refusal is about the key, not the request.
    const good = await cli(['verify', '--body-file', bodyFile, '--secret', PUB, ...HEADERS]);
    expect(good.code).toBe(0);
  });

  it('hookdev verify <id> --json, the key from HOOKDEV_SECRET_DISCORD: code bad_secret with the same reason', async () => {
    const r = await cli(['verify', 'last', '--db', db, '--json'], { HOOKDEV_SECRET_DISCORD: SECRET_KEY.toUpperCase() });
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout.toString()) as { valid: boolean; status: string; code: string; reason: string };
    expect(v).toMatchObject({ valid: false, status: 'invalid', code: 'bad_secret', reason: REASON });
    expectNoKey(r);
  });

  it('consistent with other malformed secrets: verify gives exit 1 with the reason, listen refuses to start (exit 2)', async () => {
    const other = await cli(['verify', '--body-file', bodyFile, '--provider', 'standard-webhooks', '--secret', 'whsec_!!!',
      '-H', 'webhook-id: m1', '-H', `webhook-timestamp: ${TS}`, '-H', 'webhook-signature: v1,abc', '--now', TS, '--json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout.toString())).toMatchObject({ code: 'bad_secret' });

    const listen = await cli(['listen', '--port', '0', '--db', tmp.path('listen.db'), '--secret', `discord=${SECRET_KEY}`]);
    expect(listen.code).toBe(2);
    const lines = listen.stderr.trim().split('\n');
    expect(lines[0]).toBe(`hookdev: --secret discord=…: ${REASON}`);
    expect(lines.length).toBeLessThanOrEqual(2);
    expectNoKey(listen);
  });

  it('a 128-hex value that is no keypair is called 64 bytes, not a public key', async () => {
    const r = await cli(['verify', '--body-file', bodyFile, '--provider', 'discord', '--secret', SIG, ...HEADERS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/got 128 hex characters \(64 bytes, the size of an Ed25519 secret key or signature, not of a public key\)/);
  });
});
