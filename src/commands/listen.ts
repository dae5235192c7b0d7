import type { Command } from 'commander';
import { keepServingOnOutputError } from '../core/output-errors.js';
import { UsageError } from '../core/errors.js';
import { parseSendableHeader } from '../core/header-validate.js';
import type { HeaderList } from '../core/types.js';
import { loadConfigFile, type ConfigFile } from '../config/file.js';
import { resolveDbPath } from '../config/paths.js';
import { collectSecrets } from '../config/secrets.js';
import { envValue } from '../config/env.js';
import type { ForwardSettings, ListenerConfig, RelayDoorSettings } from '../listener.js';
import { collect, parseDurationFlag, parseIntFlag, parsePositiveDuration, parseSize, parseTimerDuration } from './options.js';

/** Flags as commander hands them over. */
export interface ListenFlags {
  port?: string;
  host?: string;
  db?: string;
  secret?: string[];
  provider?: string;
  json?: boolean;
  ui?: boolean;
  responseStatus?: string;
  responseBody?: string;
  responseHeader?: string[];
  responseDelay?: string;
  maxBody?: string;
  forwardTo?: string[];
  passthrough?: boolean;
  relay?: string;
  channel?: string;
  token?: string;
  preserveHost?: boolean;
  keepPath?: boolean;
  connectTimeout?: string;
  forwardTimeout?: string;
  forwardRetryFor?: string;
  maxStoredResponse?: string;
}

export interface ListenOptions {
  config: ListenerConfig;
  json: boolean;
  ui: boolean;
  /** The same objects as config.forward and config.relay (kept here for the command's own checks). */
  forward: ForwardSettings | null;
  relay: RelayDoorSettings | null;
}

/** Flags + environment + config file → one typed, validated config. Pure apart from reading the config file. */
export function parseListenOptions(flags: ListenFlags, env: NodeJS.ProcessEnv, file: ConfigFile): ListenOptions {
  const portText = flags.port ?? envValue(env, 'HOOKDEV_PORT') ?? (file.port !== undefined ? String(file.port) : undefined);
  const port = parseIntFlag('--port', portText, 0, 65535) ?? 4747;
  // 1xx are interim answers: the sender would wait for a final one that never comes.
  const status = parseIntFlag('--response-status', flags.responseStatus, 200, 599) ?? 200;
  if ((status === 204 || status === 304) && flags.responseBody) {
    throw new UsageError(`--response-status ${status} has no body, so --response-body cannot go with it`);
  }
  const headers: HeaderList = [];
  for (const h of flags.responseHeader ?? []) headers.push(parseSendableHeader('--response-header', h));
  const maxBody = parseSize('--max-body', flags.maxBody ?? envValue(env, 'HOOKDEV_MAX_BODY'));
  const forwardTo = [...(flags.forwardTo ?? []), ...(flags.forwardTo?.length ? [] : (file.forwardTo ?? []))];
  for (const t of forwardTo) {
    if (!/^https?:\/\//i.test(t)) throw new UsageError(`--forward-to expects an http(s) URL, got "${t}"`, 'example: --forward-to http://localhost:3000/webhooks');
  }
  const relayUrl = flags.relay ?? envValue(env, 'HOOKDEV_RELAY_URL');
  let relay: RelayDoorSettings | null = null;
  if (relayUrl) {
    if (!/^(wss?|https?):\/\//i.test(relayUrl)) {
      throw new UsageError(`--relay expects a ws(s):// or http(s):// URL, got "${relayUrl}"`, 'example: --relay wss://hooks.example.com');
    }
    const token = flags.token ?? envValue(env, 'HOOKDEV_RELAY_TOKEN');
    if (!token) throw new UsageError('--relay needs a token', 'pass --token TOKEN or set HOOKDEV_RELAY_TOKEN (one of the relay\'s --token values)');
    relay = { url: relayUrl, channel: flags.channel ?? envValue(env, 'HOOKDEV_CHANNEL'), token };
  } else if (flags.channel || flags.token) {
    throw new UsageError('--channel and --token go with --relay URL');
  }
  const routes = file.routes ?? [];
  // Checked even without a target, so a typo is not silently ignored until --forward-to is added.
  const connectTimeoutMs = parsePositiveDuration('--connect-timeout', flags.connectTimeout);
  const totalTimeoutMs = parsePositiveDuration('--forward-timeout', flags.forwardTimeout);
  const retryForMs = parseDurationFlag('--forward-retry-for', flags.forwardRetryFor);
  const responseCap = parseSize('--max-stored-response', flags.maxStoredResponse);
  const forward: ForwardSettings | null =
    forwardTo.length || routes.length
      ? {
          targets: forwardTo,
          routes,
          preserveHost: Boolean(flags.preserveHost),
          keepPath: Boolean(flags.keepPath),
          connectTimeoutMs,
          totalTimeoutMs,
          retryForMs,
          responseCap,
        }
      : null;
  if (flags.passthrough && !forward) {
    throw new UsageError('--passthrough needs a target', 'add --forward-to http://localhost:3000/webhooks');
  }
  return {
    json: Boolean(flags.json),
    ui: flags.ui !== false,
    forward,
    relay,
    config: {
      host: flags.host ?? envValue(env, 'HOOKDEV_HOST') ?? '127.0.0.1',
      port,
      dbPath: resolveDbPath(flags.db, env, file.db),
      response: {
        status,
        headers,
        body: Buffer.from(flags.responseBody ?? ''),
        delayMs: parseTimerDuration('--response-delay', flags.responseDelay) ?? 0,
      },
      limits: maxBody !== undefined ? { maxBody } : {},
      secrets: collectSecrets(flags.secret ?? [], env, file.secrets ?? {}),
      providerHints: file.providers ?? [],
      generic: file.generic ?? [],
      provider: flags.provider?.toLowerCase(),
      passthrough: Boolean(flags.passthrough),
      forward,
      relay,
    },
  };
}

export function register(program: Command): void {
  program
    .command('listen')
    .description('capture every request into the history; verify signatures; forward to your app')
    .option('-p, --port <port>', 'port to listen on (default 4747, or $HOOKDEV_PORT, or `port` in the config file; 0 picks a free one)')
    .option('--host <host>', 'interface to bind (default 127.0.0.1, or $HOOKDEV_HOST)')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--secret <provider=secret>', 'verify with this secret (repeatable)', collect, [])
    .option('--provider <id>', 'treat every request as coming from this provider')
    .option('--forward-to <url>', 'forward each request to your app (repeatable)', collect, [])
    .option('--passthrough', "answer the sender with your app's response (502/504 when it fails)")
    .option('--preserve-host', "forward the sender's Host header instead of the target's")
    .option('--keep-path', 'forward to the target URL exactly, without appending the captured path')
    .option('--connect-timeout <duration>', 'forwarding: give up connecting after this (default 5s)')
    .option('--forward-timeout <duration>', 'forwarding: whole exchange limit (default 30s; then 504)')
    .option('--forward-retry-for <duration>', 'forwarding: keep retrying an unreachable app this long (default 60s)')
    .option('--max-stored-response <size>', 'forwarding: response body bytes kept per delivery (default 64kb)')
    .option('--response-status <code>', 'status to answer with (default 200)')
    .option('--response-body <text>', 'body to answer with')
    .option('--response-header <header>', "header to answer with, 'Name: value' (repeatable)", collect, [])
    .option('--response-delay <ms>', 'wait before answering (test the sender timeouts), e.g. 3000 or 3s')
    .option('--max-body <bytes>', 'largest body accepted (default 25mb); larger gets 413')
    .option('--relay <url>', 'also receive through a hookdev relay (wss://…), ngrok style')
    .option('--channel <name>', 'relay channel (default: one generated once and kept, so the URL stays the same)')
    .option('--token <token>', 'relay token (or HOOKDEV_RELAY_TOKEN)')
    .option('--json', 'print NDJSON events (default when stdout is not a terminal)')
    .option('--no-ui', 'plain log lines even in a terminal')
    .addHelpText(
      'after',
      `
Examples:
  $ hookdev listen
  $ hookdev listen --port 0 --json            pick a free port; NDJSON for scripts
  $ hookdev listen --secret stripe=whsec_… --forward-to http://localhost:3000/webhooks
  $ hookdev listen --response-status 500      watch how the sender retries
  $ hookdev listen --response-delay 15s       test the sender's timeout
  $ hookdev listen --relay wss://hooks.example.com --token $HOOKDEV_RELAY_TOKEN`,
    )
    .action(async (flags: ListenFlags) => {
      keepServingOnOutputError();
      const { file } = loadConfigFile();
      const options = parseListenOptions(flags, process.env, file);
      const { checkSignatureConfig } = await import('./signature-config.js');
      await checkSignatureConfig(options.config, { flags: flags.secret ?? [], env: process.env, config: file.secrets ?? {} });
      await runListen(options);
    });
}

async function runListen(options: ListenOptions): Promise<void> {
  const { startListener } = await import('../listener.js');
  const { EventHub } = await import('../core/events.js');
  const { makeChalk } = await import('../ui/output.js');
  const { humanLine, jsonLine } = await import('../ui/log.js');
  const events = new EventHub();
  const json = options.json || !process.stdout.isTTY;
  const chalk = makeChalk();
  const { LineWriter } = await import('../ui/line-writer.js');
  const out = new LineWriter(process.stdout);
  const { shouldRunUi } = await import('../ui/app/when.js');
  const tty = { stdout: Boolean(process.stdout.isTTY), stdin: Boolean(process.stdin.isTTY) };
  const ui = shouldRunUi(options, tty, process.env) ? await import('../ui/app/start.js') : null;
  if (!ui) {
    // Formatted when written (the log phase), not when emitted: a delivery event is emitted between the app's answer
    // and the sender's (or the relay's) answer, and its line can wait. A renderer bug loses the line, never a request.
    const format = (event: import('../core/events.js').PipelineEvent): string | null => {
      try {
        return json ? jsonLine(event) : humanLine(chalk, event);
      } catch {
        return null;
      }
    };
    events.subscribe((event) => out.write(() => format(event)));
  }
  process.once('exit', () => out.flush());
  const forward = options.forward;
  const forwardTargets = forward ? [...forward.targets, ...(forward.routes ?? []).map((r) => r.to)] : [];
  // A fixed port is checked before binding; a picked one (--port 0) right after, before any request can be sent to it.
  if (options.config.port !== 0) await refuseSelfTargets(forwardTargets, options.config.host, options.config.port);
  const { bindFailure, stopOnSignals } = await import('./serve.js');
  const { rememberReplayTarget } = forward?.targets[0] ? await import('../forward/replay.js') : { rememberReplayTarget: null };
  // Signals are handled from before the doors open: a SIGTERM that comes as soon as `listening` is printed still
  // shuts down cleanly (waiting deliveries given up and recorded, the history closed).
  let listener: import('../listener.js').RunningListener | null = null;
  let view: import('../ui/app/start.js').RunningUi | undefined;
  let stopping = false;
  const stopper = stopOnSignals(async () => {
    stopping = true;
    view?.close();
    await listener?.close();
  });
  try {
    listener = await startListener(options.config, events);
  } catch (err) {
    stopper.dispose();
    throw bindFailure(err, options.config) ?? err;
  }
  if (options.config.port === 0) {
    try {
      await refuseSelfTargets(forwardTargets, options.config.host, listener.port);
    } catch (err) {
      stopper.dispose();
      await listener.close();
      throw err;
    }
  }
  if (forward?.targets[0] && rememberReplayTarget) {
    // `replay` without --to goes where listen forwarded: the target as given, not one request's full URL.
    rememberReplayTarget(listener.store, { url: forward.targets[0], keepPath: Boolean(forward.keepPath) });
  }
  if (!stopping && ui) {
    // The terminal closing (SIGHUP) stops like SIGTERM while the UI owns it: Node's default would end the process with
    // the terminal left in raw mode on the alternate screen, the cursor hidden (a `kill -HUP`, a tmux respawn).
    process.once('SIGHUP', () => stopper.stop());
    view = await ui.startUi({
      store: listener.store, source: options.config.dbPath, secrets: options.config.secrets, generic: options.config.generic,
      targets: forward?.targets ?? [], events, relay: Boolean(options.relay), localUrl: listener.url,
    });
  }
  // A signal during start-up found no listener or no UI yet: close them now.
  if (stopping) {
    view?.close();
    await listener.close();
  }
  const tunnel = listener.tunnel;
  let failure: unknown = null;
  // The relay refusing us later (token revoked, channel taken) ends the listener with exit 1.
  tunnel?.done.catch((err: unknown) => {
    failure = err;
    stopper.stop();
  });
  // Quitting the UI (q) stops like a signal; its own close() during a signal's stop must not count twice.
  void view?.done.then(() => {
    if (!stopping) stopper.stop();
  });
  await stopper.stopped;
  if (failure) throw failure;
}

/** A forward target that is this listener itself would loop for ever: refuse to start (exit 2). */
async function refuseSelfTargets(targets: string[], host: string, port: number): Promise<void> {
  if (!targets.length) return;
  const { targetIsSelf } = await import('../forward/self-loop.js');
  const { networkInterfaces } = await import('node:os');
  const localAddresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  const self = targets.find((t) => targetIsSelf(t, { host, port, localAddresses }));
  if (self) {
    throw new UsageError(
      `forward target ${self} is this listener's own address (${host}:${port}): each forward would be captured and forwarded again, for ever`,
      "forward to your app's port, e.g. --forward-to http://localhost:3000/webhooks, or listen on another --port",
    );
  }
}
