import type { Command } from 'commander';
import { loadConfigFile, type ConfigFile } from '../config/file.js';
import { OperationError, UsageError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { isHttpUrl } from '../core/http-url.js';
import type { RetryPolicy } from '../send/retry.js';
import type { SendEvent, SenderDeps } from '../send/sender.js';
import { collect, parseIntFlag, timerFlag } from './options.js';
import { processIO, type CommandIO } from './io.js';
import { parseSampleOptions, type SampleFlags, type SampleOptions } from './sample.js';

/** Flags as commander hands them over (no defaults in commander: they are resolved here). */
export interface SendFlags extends SampleFlags {
  to?: string;
  body?: string;
  retries?: string;
  timeout?: string;
  backoffMax?: string;
  count?: string;
  concurrency?: string;
  duplicates?: string;
  shuffle?: boolean;
  listEvents?: boolean;
}

export interface SendOptions extends SampleOptions {
  to: string;
  body: string | undefined;
  policy: RetryPolicy;
  /** Per-attempt timeout, ms (default 30 s). */
  timeoutMs: number;
  count: number;
  concurrency: number;
  duplicates: number;
  shuffle: boolean;
}


/** `30` (seconds), `500ms`, `30s`, `5m`: to ms. */
export function parseSecondsFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  if (ms === null || !Number.isFinite(ms)) throw new UsageError(`${flag} expects seconds or a duration like 500ms, 30s, 5m, got "${value}"`);
  return timerFlag(flag, ms, value);
}

/** A timeout of 0 would time every attempt out before it is sent. */
function positive(flag: string, ms: number | undefined): number | undefined {
  if (ms === 0) throw new UsageError(`${flag} must be above 0`, `example: ${flag} 10s`);
  return ms;
}

export function parseRate(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const n = v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} expects a share between 0 and 1 (or a percentage), got "${value}"`);
  return n;
}

/** Flags + environment + config file → typed options. Pure: throws UsageError on bad input. */
export function parseSendOptions(flags: SendFlags, env: NodeJS.ProcessEnv, file: ConfigFile): SendOptions {
  if (!flags.to) throw new UsageError('--to is required', 'example: --to http://localhost:3000/webhooks');
  if (!isHttpUrl(flags.to)) throw new UsageError(`--to expects a valid http(s) URL, got "${flags.to}"`);
  return {
    ...parseSampleOptions(flags, env, file),
    to: flags.to,
    body: flags.body,
    policy: {
      retries: parseIntFlag('--retries', flags.retries, 0, 100) ?? 5,
      baseMs: 1000,
      capMs: parseSecondsFlag('--backoff-max', flags.backoffMax) ?? 5 * 60_000,
    },
    timeoutMs: positive('--timeout', parseSecondsFlag('--timeout', flags.timeout)) ?? 30_000,
    count: parseIntFlag('--count', flags.count, 1, 10_000_000) ?? 1,
    concurrency: parseIntFlag('--concurrency', flags.concurrency, 1, 1024) ?? 1,
    duplicates: parseRate('--duplicates', flags.duplicates) ?? 0,
    shuffle: Boolean(flags.shuffle),
  };
}

export function register(program: Command, io: () => CommandIO = processIO): void {
  program
    .command('send')
    .description('send signed sample events to your handler, as a well-behaved sender does (retries with backoff)')
    .option('--provider <id>', 'provider whose events and signature to use (stripe, github, slack, …)')
    .option('--secret <secret>', 'signing secret (or HOOKDEV_SECRET_<PROVIDER>); discord: the Ed25519 private key, by --secret only')
    .option('--to <url>', 'where to send, e.g. http://localhost:3000/webhooks')
    .option('--event <type>', 'sample event to send (see --list-events; default: the first)')
    .option('--body <json>', 'send this body instead of a sample')
    .option('--body-file <file>', 'send the bytes of this file instead of a sample (- for stdin)')
    .option('--set <path=value>', 'override a body field: dotted path, JSON value (repeatable)', collect, [])
    .option('-H, --header <header>', "add a header, 'Name: value' (repeatable)", collect, [])
    .option('--retries <n>', 'retries after the first attempt (default 5)')
    .option('--timeout <seconds>', 'per-attempt timeout (default 30s)')
    .option('--backoff-max <seconds>', 'longest wait between attempts (default 5m)')
    .option('--count <n>', 'send n distinct events (default 1)')
    .option('--concurrency <n>', 'events in flight at once (default 1)')
    .option('--duplicates <rate>', 'share of events sent twice, same id and body (e.g. 0.1)')
    .option('--shuffle', 'send events out of order')
    .option('--list-events', "list the provider's sample events")
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--json', 'NDJSON: one line per attempt, wait and event, then a summary')
    .addHelpText(
      'after',
      `
Retries: on network errors, timeouts, 408, 429 and 5xx, with exponential backoff and equal jitter (base 1 s,
capped by --backoff-max); Retry-After (seconds or HTTP date) is honoured; other 4xx are not retried. Every
attempt is re-signed with a fresh timestamp; the event id and body stay the same.

Exit codes: 0 every event got a 2xx, 1 some did not, 2 usage error.

Examples:
  $ hookdev send --provider stripe --secret whsec_… --to http://localhost:3000/webhooks
  $ hookdev send --provider stripe --list-events
  $ hookdev send --provider stripe --event invoice.paid --set data.object.amount_paid=5000 --secret whsec_… --to …
  $ hookdev send --provider github --event push --secret s3cret --to http://localhost:3000/github
  $ hookdev send --provider stripe --secret whsec_… --to … --count 1000 --concurrency 20 --duplicates 0.1 --shuffle`,
    )
    .action(async (flags: SendFlags) => {
      const out = io();
      const { file } = loadConfigFile(out.cwd, out.env);
      if (flags.listEvents) return listEvents(flags, file, out);
      await runSendCommand(parseSendOptions(flags, out.env, file), out);
    });
}

async function listEvents(flags: SendFlags, file: ConfigFile, io: CommandIO): Promise<void> {
  const { resolveProvider } = await import('../send/spec.js');
  const { profile } = resolveProvider(flags.provider, file.generic ?? []);
  if (flags.json) {
    for (const e of profile.events) io.stdout.write(JSON.stringify({ provider: profile.provider, event: e.type, description: e.description, contentType: e.contentType }) + '\n');
    return;
  }
  const width = Math.max(...profile.events.map((e) => e.type.length));
  for (const e of profile.events) io.stdout.write(`${e.type.padEnd(width)}  ${e.description}\n`);
}

export async function runSendCommand(options: SendOptions, io: CommandIO): Promise<void> {
  const [{ resolveSpec }, { openHistory }] = await Promise.all([import('../send/spec.js'), import('./shared.js')]);
  const spec = resolveSpec({ ...options, provider: options.provider });
  const [{ storeHistory, verifySecretFor }, { runSends }, { makeChalk }, { formatMs }] = await Promise.all([
    import('../send/history.js'),
    import('../send/sender.js'),
    import('../ui/output.js'),
    import('../core/duration.js'),
  ]);
  const store = await openHistory(options.db);
  // WAL checkpoints (and their fsync) in a worker, as listen does: off the sending loop.
  const checkpointer = await (await import('../store/index.js')).startCheckpointer(store);
  const transport = await openTransport(spec.url, options.concurrency);
  const history = storeHistory(store, { provider: spec.provider.name, secret: spec.secret, generic: options.generic });
  const chalk = makeChalk(io.stdout as NodeJS.WriteStream, io.env);
  const errChalk = makeChalk(io.stderr as NodeJS.WriteStream, io.env);
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY) && !options.json;
  const single = options.count === 1;
  const progress = new Progress(io.stderr, tty && !single, options.count + Math.round(options.count * options.duplicates));
  let countdown: NodeJS.Timeout | null = null;
  let waitingLine: ((leftMs: number) => string) | null = null;
  const failures: string[] = [];

  if (spec.provider.name === 'discord' && !options.json) {
    io.stderr.write(errChalk.dim(`discord: receivers verify with the public key ${verifySecretFor('discord', spec.secret)}\n`));
  }

  const render = (e: SendEvent): void => {
    if (options.json) {
      io.stdout.write(JSON.stringify(jsonOf(e)) + '\n');
      return;
    }
    switch (e.type) {
      case 'attempt': {
        progress.attempt();
        if (!single) return;
        const ok = e.status !== null && e.status >= 200 && e.status < 300;
        // A status with an error: the answer began, then broke (the connection closed mid-body): say both.
        const broken = e.status !== null && e.error ? chalk.yellow(` (then ${e.error})`) : '';
        const status = (e.status === null ? chalk.red(`✗ ${e.error}`) : ok ? chalk.green(String(e.status)) : chalk.red(String(e.status))) + broken;
        const id = e.eventId ? chalk.dim(`  ${e.eventType ?? ''} ${e.eventId}`) : '';
        io.stdout.write(`${chalk.dim(`#${e.requestId ?? '?'}`)}  attempt ${e.attempt}  → ${e.target}  ${status} ${chalk.dim(formatMs(e.durationMs))}${id}\n`);
        return;
      }
      case 'waiting': {
        const line = (left: number) => `  retry ${e.nextAttempt} in ${formatMs(Math.max(0, left))} (${e.reason}${e.retryAfterMs !== null ? `, Retry-After ${formatMs(e.retryAfterMs)}` : ''})`;
        if (single && !tty) io.stdout.write(chalk.dim(line(e.delayMs)) + '\n');
        if (single && tty) {
          // A live countdown on the terminal while the retry waits.
          const until = Date.now() + e.delayMs;
          waitingLine = () => line(until - Date.now());
          io.stderr.write(`\r${errChalk.dim(waitingLine(0))}\u001b[K`);
          countdown = setInterval(() => io.stderr.write(`\r${errChalk.dim(waitingLine!(0))}\u001b[K`), 250);
        }
        progress.waiting(1);
        return;
      }
      case 'event': {
        if (!single) {
          progress.done(e.ok);
          if (!e.ok && failures.length < 20) failures.push(`${e.eventId ?? `event ${e.seq}`}: ${e.reason}`);
          return;
        }
        const mark = e.ok ? chalk.green('✓') : chalk.red('✗');
        io.stdout.write(`${mark} ${e.eventType ?? 'event'} ${e.eventId ?? ''} ${e.ok ? 'delivered' : 'not delivered'}: ${e.reason}${e.attempts > 1 && !e.reason.includes('gave up after') ? ` (${e.attempts} attempts)` : ''}\n`);
        return;
      }
    }
  };
  const clearCountdown = (): void => {
    if (countdown) {
      clearInterval(countdown);
      countdown = null;
      io.stderr.write('\r\u001b[K');
    }
  };
  let summary;
  try {
    summary = await runSends(
      spec,
      { policy: options.policy, timeoutMs: options.timeoutMs, count: options.count, concurrency: options.concurrency, duplicates: options.duplicates, shuffle: options.shuffle },
      {
        now: Date.now,
        random: Math.random,
        sleep: (ms) =>
          new Promise<void>((r) =>
            setTimeout(() => {
              clearCountdown();
              progress.waiting(-1);
              r();
            }, ms),
          ),
        exchange: transport.exchange,
        history,
      },
      render,
    );
  } finally {
    clearCountdown();
    progress.finish();
    await history.drain();
    await checkpointer.stop();
    store.close();
    await transport.close().catch(() => undefined);
  }
  const rate = summary.elapsedMs > 0 ? (summary.sent / summary.elapsedMs) * 1000 : 0;
  if (options.json) {
    // Latencies to 0.1 ms: the clock's noise below that is not information.
    const ms = (v: number) => Math.round(v * 10) / 10;
    io.stdout.write(JSON.stringify({ event: 'summary', ...summary, p50: ms(summary.p50), p99: ms(summary.p99), eventsPerSecond: Math.round(rate) }) + '\n');
  } else if (!single) {
    for (const f of failures) io.stderr.write(`  ✗ ${f}\n`);
    const dups = summary.sent - summary.events;
    io.stdout.write(
      `sent ${summary.events} event${summary.events === 1 ? '' : 's'}${dups ? ` (+${dups} duplicates)` : ''}: ${summary.ok} 2xx, ` +
        `${summary.retried} retried, ${summary.failed} failed; ${summary.attempts} attempts; latency p50 ${formatMs(summary.p50)} p99 ${formatMs(summary.p99)}; ` +
        `${Math.round(rate)} events/s\n`,
    );
  }
  if (summary.failed > 0) {
    throw new OperationError(`${summary.failed} of ${summary.sent} event${summary.sent === 1 ? '' : 's'} did not get a 2xx`);
  }
}

const CONNECT_TIMEOUT_MS = 5_000;
const KEEP_BYTES = 64 * 1024;

/**
 * How requests go out: plain http through the lean keep-alive client (h1-client.ts: undici's per-request cost
 * alone kept a sender under half of what the machine allows), https through undici.
 */
async function openTransport(url: string, concurrency: number): Promise<{ exchange: SenderDeps['exchange']; close(): Promise<void> }> {
  if (/^http:/i.test(url)) {
    const { H1Agent } = await import('../forward/h1-client.js');
    const agent = new H1Agent({ connectTimeoutMs: CONNECT_TIMEOUT_MS, keepBytes: KEEP_BYTES, connections: Math.max(32, concurrency) });
    return { exchange: (req, timeoutMs) => agent.exchange(req, timeoutMs), close: () => agent.close() };
  }
  const [{ createPool, createFreshClient }, { exchange }] = await Promise.all([import('../forward/client.js'), import('../forward/exchange.js')]);
  const pool = createPool({ connectTimeoutMs: CONNECT_TIMEOUT_MS });
  return {
    exchange: (req, timeoutMs) =>
      exchange(req, { dispatcher: pool, totalTimeoutMs: timeoutMs, keepBytes: KEEP_BYTES, fresh: (origin) => createFreshClient(origin, { connectTimeoutMs: CONNECT_TIMEOUT_MS }) }),
    close: () => pool.close(),
  };
}

function jsonOf(e: SendEvent): Record<string, unknown> {
  switch (e.type) {
    case 'attempt':
      return { event: 'attempt', seq: e.seq, requestId: e.requestId, eventId: e.eventId, eventType: e.eventType, attempt: e.attempt, target: e.target, status: e.status, durationMs: Math.round(e.durationMs * 10) / 10, error: e.error, duplicate: e.duplicate };
    case 'waiting':
      return { event: 'waiting', seq: e.seq, eventId: e.eventId, nextAttempt: e.nextAttempt, delayMs: e.delayMs, reason: e.reason, retryAfterMs: e.retryAfterMs };
    case 'event':
      return { event: 'sent', seq: e.seq, requestId: e.requestId, eventId: e.eventId, eventType: e.eventType, ok: e.ok, attempts: e.attempts, status: e.status, reason: e.reason, duplicate: e.duplicate };
  }
}

/** A progress bar on a terminal (stderr), redrawn at most 10 times a second. */
class Progress {
  private doneCount = 0;
  private ok = 0;
  private attempts = 0;
  private waitingCount = 0;
  private last = 0;

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly on: boolean,
    private readonly total: number,
  ) {}

  attempt(): void {
    this.attempts++;
    this.draw();
  }

  waiting(delta: number): void {
    this.waitingCount += delta;
  }

  done(ok: boolean): void {
    this.doneCount++;
    if (ok) this.ok++;
    this.draw();
  }

  private draw(force = false): void {
    if (!this.on) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = Math.round((this.doneCount / Math.max(1, this.total)) * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const failed = this.doneCount - this.ok;
    this.out.write(`\r[${bar}] ${this.doneCount}/${this.total}  2xx ${this.ok}  failed ${failed}  waiting to retry ${this.waitingCount}\u001b[K`);
  }

  finish(): void {
    if (!this.on) return;
    this.draw(true);
    this.out.write('\n');
  }
}
