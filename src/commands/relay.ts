import { readFileSync } from 'node:fs';
import { keepServingOnOutputError } from '../core/output-errors.js';
import type { Command } from 'commander';
import { envValue } from '../config/env.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { RelayEvent } from '../tunnel/relay-events.js';
import type { RelayOptions } from '../tunnel/relay-server.js';
import { collect, parseDurationFlag, parseIntFlag, parseSize } from './options.js';
import { fileProblem } from '../core/file-error.js';

/** Flags as commander hands them over. */
export interface RelayFlags {
  port?: string;
  host?: string;
  token?: string[];
  db?: string;
  publicUrl?: string;
  maxBody?: string;
  offline?: string;
  rateLimit?: string;
  queueCap?: string;
  queueCapBytes?: string;
  responseTimeout?: string;
  tlsCert?: string;
  tlsKey?: string;
  store?: string;
  instanceId?: string;
  keyPrefix?: string;
  metricsToken?: string;
}

export interface RelayCommandOptions {
  relay: Omit<RelayOptions, 'log' | 'tls'>;
  /** PEM files, read when the command runs. */
  tlsFiles: { cert: string; key: string } | null;
}

/** Default queue file: beside where the relay runs (it is a server process, not a user tool). */
export const DEFAULT_RELAY_DB = 'hookdev-relay.db';

/** Flags + environment → typed relay options. Pure: throws UsageError on bad input. */
export function parseRelayOptions(flags: RelayFlags, env: NodeJS.ProcessEnv): RelayCommandOptions {
  const fromFlags = (flags.token ?? []).filter((t) => t !== '');
  const fromEnv = (envValue(env, 'HOOKDEV_RELAY_TOKENS') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const tokens = fromFlags.length ? fromFlags : fromEnv;
  if (tokens.length === 0)
    throw new UsageError(
      'the relay needs at least one token',
      'pass --token "$(openssl rand -hex 32)" or set HOOKDEV_RELAY_TOKENS=token1,token2',
    );

  const offline = flags.offline ?? 'queue';
  if (offline !== 'queue' && offline !== 'reject')
    throw new UsageError(`--offline expects queue or reject, got "${offline}"`);
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
    throw new UsageError('--tls-cert and --tls-key go together', 'pass both PEM files, or neither for plain http');
  const publicUrl = flags.publicUrl ?? envValue(env, 'HOOKDEV_RELAY_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/i.test(publicUrl))
    throw new UsageError(`--public-url expects an http(s) URL, got "${publicUrl}"`, 'example: --public-url https://relay.example.com');

  const store = parseStoreUrl(flags.store ?? envValue(env, 'HOOKDEV_RELAY_STORE'));
  if (!store && (flags.instanceId !== undefined || flags.keyPrefix !== undefined))
    throw new UsageError('--instance-id and --key-prefix go with --store redis://…');
  const instanceId = flags.instanceId ?? envValue(env, 'HOOKDEV_RELAY_INSTANCE_ID');
  if (instanceId !== undefined && !/^[A-Za-z0-9._:-]{1,64}$/.test(instanceId))
    throw new UsageError(`--instance-id expects 1-64 of [A-Za-z0-9._:-], got "${instanceId.slice(0, 80)}"`);
  if (flags.keyPrefix !== undefined && !/^[A-Za-z0-9._:{}-]{0,64}$/.test(flags.keyPrefix))
    throw new UsageError(`--key-prefix expects up to 64 of [A-Za-z0-9._:{}-], got "${flags.keyPrefix.slice(0, 80)}"`);
  const metricsToken = flags.metricsToken ?? envValue(env, 'HOOKDEV_RELAY_METRICS_TOKEN');

  const relay: Omit<RelayOptions, 'log' | 'tls'> = {
    tokens,
    dbPath: flags.db ?? envValue(env, 'HOOKDEV_RELAY_DB') ?? DEFAULT_RELAY_DB,
    port: parseIntFlag('--port', flags.port ?? envValue(env, 'HOOKDEV_RELAY_PORT'), 0, 65535) ?? 8080,
    host: flags.host ?? envValue(env, 'HOOKDEV_RELAY_HOST') ?? '0.0.0.0',
    publicUrl,
    maxBody: parseSize('--max-body', flags.maxBody),
    offline,
    rateLimit: flags.rateLimit === undefined ? undefined : parseRate(flags.rateLimit),
    queueCap: parseIntFlag('--queue-cap', flags.queueCap, 1),
    queueCapBytes: parseSize('--queue-cap-bytes', flags.queueCapBytes),
    responseTimeoutMs: parseDurationFlag('--response-timeout', flags.responseTimeout),
    store,
    instanceId: store ? instanceId : undefined,
    keyPrefix: store ? flags.keyPrefix : undefined,
    metricsToken,
  };
  return {
    relay,
    tlsFiles: flags.tlsCert && flags.tlsKey ? { cert: flags.tlsCert, key: flags.tlsKey } : null,
  };
}

/** `redis://[:password@]HOST:PORT[/DB]` (or `rediss://`), checked here so a typo is one line, not a retry loop. */
export function parseStoreUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--store expects redis://HOST:PORT[/DB], got "${value.slice(0, 200)}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`--store expects redis://HOST:PORT[/DB], got "${u.protocol}//…"`, 'without --store the relay keeps its queue in SQLite (--db)');
  if (!u.hostname) throw new UsageError('--store: the Redis URL has no host', 'example: --store redis://127.0.0.1:6379/0');
  if (!/^(\/\d{0,2})?$/.test(u.pathname)) throw new UsageError(`--store: "${u.pathname}" is not a Redis database number`, 'example: --store redis://127.0.0.1:6379/0');
  if (u.search || u.hash) throw new UsageError('--store: the Redis URL takes no query or fragment');
  return value;
}

/** `50`, `50/s`, `600/m` → requests per second. */
export function parseRate(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|m|min))?$/i.exec(value.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw new UsageError(`--rate-limit expects a rate like 50/s or 600/m, got "${value}"`);
  return m[2] && m[2].toLowerCase().startsWith('m') ? n / 60 : n;
}

export function register(program: Command): void {
  program
    .command('relay')
    .description('run the public relay: webhooks sent to <public-url>/<channel>/… reach `hookdev listen --relay`')
    .option('-p, --port <port>', 'port to listen on (default 8080; 0 picks a free one; env HOOKDEV_RELAY_PORT)')
    .option('--host <host>', 'interface to bind (default 0.0.0.0; env HOOKDEV_RELAY_HOST)')
    .option('--token <token>', 'token a client must present (repeatable; env HOOKDEV_RELAY_TOKENS=a,b)', collect, [])
    .option('--db <path>', `queue database (env HOOKDEV_RELAY_DB; default ./${DEFAULT_RELAY_DB})`)
    .option('--public-url <url>', 'base URL senders use, e.g. https://relay.example.com (default http://<host>:<port>)')
    .option('--max-body <bytes>', 'largest body accepted (default 25mb); larger gets 413')
    .option('--offline <mode>', 'no client connected: queue (answer 202, the default) or reject (answer 503 + Retry-After)')
    .option('--rate-limit <rate>', 'requests per channel, e.g. 50/s or 600/m (default 50/s); over it gets 429')
    .option('--queue-cap <n>', 'most requests kept per channel while its client is away (default 10000)')
    .option('--queue-cap-bytes <size>', 'most body bytes kept per channel (default 1gb; with --store, Redis holds them in memory)')
    .option('--response-timeout <duration>', "how long a sender waits for the client's answer (default 25s) before 504")
    .option('--tls-cert <file>', 'serve https/wss with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--store <url>', 'share queue, leases and routing with other instances: redis://HOST:PORT[/DB] (env HOOKDEV_RELAY_STORE)')
    .option('--instance-id <id>', 'this instance\'s name in the shared store and metrics (default <hostname>-<random>)')
    .option('--key-prefix <prefix>', 'prefix of the Redis keys (default hd:)')
    .option('--metrics-token <token>', 'a token that unlocks per-channel figures on /metrics (the client tokens do too; env HOOKDEV_RELAY_METRICS_TOKEN)')
    .addHelpText(
      'after',
      `
Examples:
  $ hookdev relay --token "$(openssl rand -hex 32)" --public-url https://relay.example.com
  $ HOOKDEV_RELAY_TOKENS=tok1,tok2 hookdev relay --port 443 --tls-cert cert.pem --tls-key key.pem
  $ hookdev relay --token T --offline reject      senders retry later instead of being queued
  $ hookdev relay --token T --store redis://10.0.0.5:6379/0 --instance-id relay-a
                                                  several instances behind one load balancer
  then, on the laptop:
  $ hookdev listen --relay wss://relay.example.com --channel my-laptop --token T

Prints NDJSON events to stdout; the first line is {"event":"listening","url":…}.
Health: GET /healthz (readiness only)   Prometheus: GET /metrics (aggregates; per-channel
figures with Authorization: Bearer <a client token or --metrics-token>)
Logs and metrics name a channel by its tag, never its name: ch_ + the first 12 hex digits
of its SHA-256 (printf %s NAME | sha256sum | cut -c1-12)`,
    )
    .action(async (flags: RelayFlags) => {
      keepServingOnOutputError();
      await runRelay(parseRelayOptions(flags, process.env));
    });
}

async function runRelay(options: RelayCommandOptions): Promise<void> {
  const tls = options.tlsFiles ? await readTls(options.tlsFiles) : undefined;
  // Lazy: `hookdev --help` must not load ws or better-sqlite3.
  const { startRelay } = await import('../tunnel/relay-server.js');
  const { LineWriter } = await import('../ui/line-writer.js');
  // One write per event-loop turn, not per request: a sync write per line costs the relay real CPU.
  const out = new LineWriter(process.stdout);
  process.once('exit', () => out.flush());
  // The ISO time is formatted once per millisecond, not once per line: a busy relay logs many lines per ms.
  let stampMs = -1;
  let stamp = '';
  const print = (event: RelayEvent): void => {
    const now = Date.now();
    if (now !== stampMs) {
      stampMs = now;
      stamp = new Date(now).toISOString();
    }
    // `time` appended to the event's own JSON (events never carry one): no copy of the event per line.
    const json = JSON.stringify(event);
    out.write(`${json.length > 2 ? `${json.slice(0, -1)},` : '{'}"time":"${stamp}"}`);
  };
  const { bindFailure, stopOnSignals } = await import('./serve.js');
  let relay;
  try {
    relay = await startRelay({ ...options.relay, tls, log: print });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (tls && typeof e.code === 'string' && e.code.startsWith('ERR_OSSL'))
      throw new ConfigError(`--tls-cert/--tls-key: ${e.message}`, 'the key must be the private key of that certificate');
    throw bindFailure(err, { port: options.relay.port ?? 8080, host: options.relay.host ?? '0.0.0.0' }, 'use a port above 1023, or run behind a proxy') ?? err;
  }
  const { redactUrl } = options.relay.store ? await import('../tunnel/relay-store-redis.js') : { redactUrl: (u: string) => u };
  print({
    event: 'listening',
    url: relay.url,
    connect: relay.connectUrl,
    port: relay.port,
    store: options.relay.store ? redactUrl(options.relay.store) : options.relay.dbPath,
    instance: relay.instanceId,
  });
  if (options.relay.tokens.some((t) => t.length < 16))
    print({ event: 'warning', message: 'a relay token is shorter than 16 characters; use e.g. `openssl rand -hex 32`' });
  await stopOnSignals(async () => {
    print({ event: 'stopping' });
    await relay.close();
  }).stopped;
}

async function readTls(files: { cert: string; key: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const { createPrivateKey, X509Certificate } = await import('node:crypto');
  let cert: Buffer;
  let key: Buffer;
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`cannot read ${flag} ${path}: ${fileProblem(err)}`, 'check --tls-cert and --tls-key');
    }
  };
  cert = read('--tls-cert', files.cert);
  key = read('--tls-key', files.key);
  // Parsed here so a file that is not PEM is named in one line (the TLS layer would throw an OpenSSL stack).
  try {
    new X509Certificate(cert);
  } catch {
    throw new ConfigError(`--tls-cert ${files.cert} is not a PEM certificate`, 'expected a file starting with -----BEGIN CERTIFICATE-----');
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new ConfigError(`--tls-key ${files.key} is not a PEM private key`, 'expected a file starting with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)');
  }
  return { cert, key };
}
