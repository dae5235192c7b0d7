import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseRate, parseRelayOptions, register } from '../../../src/commands/relay.js';
import { UsageError } from '../../../src/core/errors.js';

describe('relay command options', () => {
  it('takes tokens from --token, else HOOKDEV_RELAY_TOKENS', () => {
    expect(parseRelayOptions({ token: ['a', 'b'] }, { HOOKDEV_RELAY_TOKENS: 'x' }).relay.tokens).toEqual(['a', 'b']);
    expect(parseRelayOptions({}, { HOOKDEV_RELAY_TOKENS: 'x, y,' }).relay.tokens).toEqual(['x', 'y']);
  });

  it('refuses to start without a token (empty env counts as unset)', () => {
    expect(() => parseRelayOptions({}, { HOOKDEV_RELAY_TOKENS: '' })).toThrow(UsageError);
    try {
      parseRelayOptions({ token: [] }, {});
    } catch (e) {
      expect((e as UsageError).hint).toMatch(/--token/);
    }
  });

  it('parses every flag into typed options with defaults', () => {
    const o = parseRelayOptions(
      {
        token: ['t'],
        port: '0',
        host: '127.0.0.1',
        db: '/tmp/q.db',
        publicUrl: 'https://relay.example.com',
        maxBody: '1mb',
        offline: 'reject',
        rateLimit: '600/m',
        queueCap: '7',
        queueCapBytes: '64mb',
        responseTimeout: '10s',
      },
      {},
    );
    expect(o.relay).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      dbPath: '/tmp/q.db',
      publicUrl: 'https://relay.example.com',
      maxBody: 1024 * 1024,
      offline: 'reject',
      rateLimit: 10,
      queueCap: 7,
      queueCapBytes: 64 * 1024 * 1024,
      responseTimeoutMs: 10_000,
    });
    const d = parseRelayOptions({ token: ['t'] }, {});
    expect(d.relay).toMatchObject({ port: 8080, host: '0.0.0.0', dbPath: 'hookdev-relay.db', offline: 'queue' });
    expect(d.tlsFiles).toBeNull();
  });

  it.each([
    [{ offline: 'maybe' }, /--offline/],
    [{ tlsCert: 'c.pem' }, /--tls-key/],
    [{ publicUrl: 'relay.example.com' }, /--public-url/],
    [{ port: '70000' }, /--port/],
    [{ rateLimit: 'fast' }, /--rate-limit/],
    [{ store: 'http://127.0.0.1:6379' }, /--store expects redis:/],
    [{ store: 'redis://127.0.0.1:6379/x' }, /database number/],
    [{ store: 'not a url' }, /--store/],
    [{ instanceId: 'a' }, /go with --store/],
    [{ store: 'redis://127.0.0.1:6379', instanceId: 'a|b' }, /--instance-id/],
  ])('rejects %o', (flags, re) => {
    expect(() => parseRelayOptions({ token: ['t'], ...flags }, {})).toThrow(re);
  });

  it('takes the shared store from --store, else HOOKDEV_RELAY_STORE; ids and prefix only with it', () => {
    const o = parseRelayOptions({ token: ['t'], store: 'redis://127.0.0.1:6379/2', instanceId: 'relay-a', keyPrefix: 'team:' }, {});
    expect(o.relay).toMatchObject({ store: 'redis://127.0.0.1:6379/2', instanceId: 'relay-a', keyPrefix: 'team:' });
    expect(parseRelayOptions({ token: ['t'] }, { HOOKDEV_RELAY_STORE: 'redis://r:6379' }).relay.store).toBe('redis://r:6379');
    expect(parseRelayOptions({ token: ['t'] }, { HOOKDEV_RELAY_STORE: '' }).relay.store).toBeUndefined();
    expect(parseRelayOptions({ token: ['t'], metricsToken: 'm' }, {}).relay.metricsToken).toBe('m');
  });

  it('parses rates', () => {
    expect(parseRate('50')).toBe(50);
    expect(parseRate('50/s')).toBe(50);
    expect(parseRate('120/m')).toBe(2);
    expect(() => parseRate('0/s')).toThrow(UsageError);
  });

  it('registers `relay` with examples in --help', () => {
    const program = new Command('hookdev');
    register(program);
    const cmd = program.commands.find((c) => c.name() === 'relay')!;
    let help = '';
    cmd.configureOutput({ writeOut: (s) => (help += s) });
    cmd.outputHelp();
    expect(help).toMatch(/--token <token>/);
    expect(help).toMatch(/Examples:/);
    expect(help).toMatch(/hookdev listen --relay/);
  });
});
