import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli.js';
import { parseListenOptions, type ListenFlags } from '../../../src/commands/listen.js';
import { parseRelayOptions, type RelayFlags } from '../../../src/commands/relay.js';

/** Parse argv with the real program, capturing the flags commander hands to a command's action. */
async function flagsOf(command: string, argv: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  program.exitOverride();
  let seen: Record<string, unknown> | null = null;
  const cmd = program.commands.find((c: Command) => c.name() === command)!;
  cmd.action((...args: unknown[]) => {
    // commander passes (…arguments, options, command)
    seen = args[args.length - 2] as Record<string, unknown>;
  });
  await program.parseAsync(['node', 'hookdev', command, ...argv]);
  return seen!;
}

describe('no commander default shadows an environment variable or the config file', () => {
  it('listen: HOOKDEV_PORT, HOOKDEV_HOST and the config port reach the listener config', async () => {
    const flags = (await flagsOf('listen', [])) as ListenFlags;
    const env = { HOOKDEV_PORT: '5123', HOOKDEV_HOST: '127.0.0.2' };
    expect(parseListenOptions(flags, env, {}).config).toMatchObject({ port: 5123, host: '127.0.0.2' });
    expect(parseListenOptions(flags, {}, { port: 6123 }).config.port).toBe(6123);
    expect(parseListenOptions(flags, {}, {}).config).toMatchObject({ port: 4747, host: '127.0.0.1' });
    expect(parseListenOptions(flags, {}, {}).config.response.status).toBe(200);
    const explicit = (await flagsOf('listen', ['--port', '7000', '--host', '::1'])) as ListenFlags;
    expect(parseListenOptions(explicit, env, { port: 6123 }).config).toMatchObject({ port: 7000, host: '::1' });
  });

  it('relay: HOOKDEV_RELAY_HOST and HOOKDEV_RELAY_PORT reach the relay options; --offline defaults to queue', async () => {
    const flags = (await flagsOf('relay', [])) as RelayFlags;
    const env = { HOOKDEV_RELAY_TOKENS: 't', HOOKDEV_RELAY_HOST: '127.0.0.2', HOOKDEV_RELAY_PORT: '5124' };
    expect(parseRelayOptions(flags, env).relay).toMatchObject({ host: '127.0.0.2', port: 5124, offline: 'queue' });
    expect(parseRelayOptions(flags, { HOOKDEV_RELAY_TOKENS: 't' }).relay).toMatchObject({ host: '0.0.0.0', port: 8080 });
    const explicit = (await flagsOf('relay', ['--host', '::1', '--offline', 'reject'])) as RelayFlags;
    expect(parseRelayOptions(explicit, env).relay).toMatchObject({ host: '::1', offline: 'reject' });
  });

  it('no command sets a value the user did not give (defaults live in the parsers and the help text)', async () => {
    const args: Record<string, string[]> = { replay: ['1'], show: ['1'], import: ['x.ndjson'], audit: ['http://127.0.0.1:1'] };
    const commands = buildProgram().commands.map((c) => c.name());
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const [command, argv] of commands.map((c) => [c, args[c] ?? []] as [string, string[]])) {
      const flags = await flagsOf(command, argv);
      // Repeatable flags start as empty lists; nothing else may be set.
      const set = Object.entries(flags).filter(([, v]) => !(Array.isArray(v) && v.length === 0) && v !== undefined);
      // listen's --no-ui is commander's negatable boolean: true unless given.
      expect(set.filter(([k]) => !(command === 'listen' && k === 'ui')), command).toEqual([]);
    }
  });
});
