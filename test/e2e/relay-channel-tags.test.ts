/**
 * Channel names are the secret part of public URLs: the relay's log (stdout), its stderr and its metrics carry a
 * channel's tag (`ch_` + 12 hex of sha256), never its name. Real relay and listen binaries, SQLite store.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { channelTag } from '../../src/tunnel/channel-tag.js';
import { cliGroup, runCli } from '../helpers/cli.js';
import { send } from '../helpers/http.js';
import { makeTempDir } from '../helpers/tmp.js';

const TOKEN = 'e2e-chtag-token-0123456789';
const tmp = makeTempDir();
const env = { XDG_CONFIG_HOME: tmp.path('config') };
const { start, killAll } = cliGroup(env);
afterAll(async () => {
  await killAll();
  tmp.cleanup();
});

describe('relay log and metrics name channels by tag only', () => {
  it('a relayed session (connect, answered, too large, a second claimant, offline queue, metrics, stop) never prints the name', async () => {
    const channel = `secret-${randomBytes(8).toString('hex')}`;
    const tag = channelTag(channel);
    const relay = start(['relay', '--port', '0', '--host', '127.0.0.1', '--token', TOKEN, '--db', tmp.path('relay.db'), '--max-body', '1kb']);
    // Everything the relay writes, raw (not only the lines that parse as JSON).
    let stdout = '';
    relay.child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const relayUrl = (await relay.waitForEvent((e) => e.event === 'listening')).url as string;

    const listenArgs = ['listen', '--port', '0', '--db', tmp.path('laptop.db'), '--relay', relayUrl, '--token', TOKEN, '--channel', channel, '--json'];
    const listen = start(listenArgs);
    // The user's own terminal shows their public URL: that stays.
    const pub = (await listen.waitForEvent((e) => e.event === 'listening' && e.door === 'relay')).url as string;
    expect(pub).toBe(`${relayUrl}/${channel}`);
    expect((await relay.waitForEvent((e) => e.event === 'client-connected')).channel).toBe(tag);

    const answered = await send(`${pub}/hooks/x?from=${channel}`, { body: '{"ok":true}' });
    expect(answered.status).toBe(200);
    const tooLarge = await send(`${pub}/hooks/big`, { body: Buffer.alloc(2048, 0x61) });
    expect(tooLarge.status).toBe(413);
    const ev = await relay.waitForEvent((e) => e.event === 'request' && e.status === 200);
    expect(ev).toMatchObject({ channel: tag, path: '/hooks/x', outcome: 'answered' });
    await relay.waitForEvent((e) => e.event === 'request' && e.status === 413 && e.channel === tag);

    // A second client asks for the held channel: the holder is pinged (holder-check), the newcomer refused.
    const second = await runCli(['listen', '--port', '0', '--db', tmp.path('other.db'), '--relay', relayUrl, '--token', TOKEN, '--channel', channel, '--json'], { env });
    expect(second.code).toBe(1);
    await relay.waitForEvent((e) => e.event === 'holder-check' && e.channel === tag && e.alive === true);

    // The laptop leaves; a request is queued for it.
    await listen.stop('SIGTERM');
    await relay.waitForEvent((e) => e.event === 'client-disconnected' && e.channel === tag);
    const queued = await send(`${pub}/hooks/later`, { body: 'later' });
    expect(queued.status).toBe(202);
    await relay.waitForEvent((e) => e.event === 'request' && e.outcome === 'queued' && e.channel === tag);

    // An authorized reader gets per-channel series, under the tag.
    const metrics = (await send(`${relayUrl}/metrics`, { method: 'GET', headers: [['Authorization', `Bearer ${TOKEN}`]] })).body.toString();
    expect(metrics).toContain(`hookdev_relay_channel_requests_total{channel="${tag}",status="200"} 1`);
    expect(metrics).toContain(`hookdev_relay_channel_requests_total{channel="${tag}",status="413"} 1`);
    expect(metrics).toContain(`hookdev_relay_channel_requests_total{channel="${tag}",status="202"} 1`);
    expect(metrics).toContain(`hookdev_relay_channel_queue_depth{channel="${tag}"} 1`);
    expect(metrics).toContain(`hookdev_relay_channel_queue_bytes{channel="${tag}"} 5`);

    expect(await relay.stop('SIGTERM')).toBe(0);
    expect(stdout).toContain('"event":"closed"'); // the whole log, to its last line
    expect(stdout).toContain(`"channel":"${tag}"`);
    expect(stdout).not.toContain(channel);
    expect(relay.stderr()).not.toContain(channel);
    expect(metrics).not.toContain(channel);
    // Every channel-bearing event carried the tag.
    const tagged = relay.events.filter((e) => 'channel' in e);
    expect(tagged.every((e) => e.channel === tag)).toBe(true);
    expect(new Set(tagged.map((e) => e.event))).toEqual(new Set(['client-connected', 'request', 'holder-check', 'client-disconnected']));
  });
});
