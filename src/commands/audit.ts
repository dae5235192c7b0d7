import type { Command } from 'commander';
import { loadConfigFile, type ConfigFile } from '../config/file.js';
import { OperationError, UsageError } from '../core/errors.js';
import { CHECK_NAMES, type CheckName } from '../send/audit/names.js';
import type { CheckResult } from '../send/audit/checks.js';
import { isHttpUrl } from '../core/http-url.js';
import { parseSecondsFlag } from './send.js';
import { collect, parseIntFlag, parseSize } from './options.js';
import { processIO, type CommandIO } from './io.js';
import { parseSampleOptions, type SampleFlags, type SampleOptions } from './sample.js';

export interface AuditFlags extends SampleFlags {
  only?: string;
  skip?: string;
  deadline?: string;
  fast?: string;
  concurrency?: string;
  maxBody?: string;
  probeUrl?: string;
  allowRemote?: boolean;
}

export interface AuditCommandOptions extends SampleOptions {
  url: string;
  checks: CheckName[];
  /** Undefined: the provider's documented timeout. */
  deadlineMs: number | undefined;
  fastMs: number;
  concurrency: number;
  maxBody: number;
  probeUrl: string | undefined;
}

/** True for a URL whose host is this machine (the audit sends invalid and oversized requests on purpose). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkList(flag: string, value: string | undefined): CheckName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(CHECK_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown check "${n}" in ${flag}`, `checks: ${CHECK_NAMES.join(', ')}`);
  }
  return names as CheckName[];
}

/** Flags + environment + config → typed options. Pure: throws UsageError on bad input. */
export function parseAuditOptions(url: string, flags: AuditFlags, env: NodeJS.ProcessEnv, file: ConfigFile): AuditCommandOptions {
  if (!isHttpUrl(url)) throw new UsageError(`the URL to audit must be a valid http(s) URL, got "${url}"`, 'example: hookdev audit http://localhost:3000/webhooks --provider stripe --secret whsec_…');
  for (const [u, what] of [[url, 'the URL'], [flags.probeUrl, '--probe-url']] as const) {
    if (u !== undefined && !flags.allowRemote && !isLoopback(u)) {
      throw new UsageError(`refusing to audit ${what} ${u}: it is not on this machine and the audit sends invalid and oversized requests on purpose; pass --allow-remote if it is yours`);
    }
  }
  if (flags.probeUrl !== undefined && !isHttpUrl(flags.probeUrl)) throw new UsageError(`--probe-url expects a valid http(s) URL, got "${flags.probeUrl}"`);
  const only = checkList('--only', flags.only);
  const skip = checkList('--skip', flags.skip) ?? [];
  const checks = (only ?? [...CHECK_NAMES]).filter((c) => !skip.includes(c));
  if (checks.length === 0) throw new UsageError('--only/--skip leave no check to run');
  const deadlineMs = parseSecondsFlag('--deadline', flags.deadline);
  if (deadlineMs !== undefined && deadlineMs <= 0) throw new UsageError('--deadline must be more than 0');
  return {
    url,
    ...parseSampleOptions(flags, env, file),
    checks,
    deadlineMs,
    fastMs: parseSecondsFlag('--fast', flags.fast) ?? 1000,
    concurrency: parseIntFlag('--concurrency', flags.concurrency, 1, 1000) ?? 20,
    maxBody: parseSize('--max-body', flags.maxBody) ?? 25 * 1024 * 1024,
    probeUrl: flags.probeUrl,
  };
}

export function register(program: Command, io: () => CommandIO = processIO): void {
  program
    .command('audit')
    .description("grade a webhook handler against the production checklist (signature, replay, raw body, idempotency, limits)")
    .argument('<url>', 'your endpoint, e.g. http://localhost:3000/webhooks')
    .option('--provider <id>', 'provider whose events and signatures to use')
    .option('--secret <secret>', 'the signing secret your handler verifies with (discord: the private key)')
    .option('--event <type>', 'sample event to build the requests from (default: the first)')
    .option('--body-file <file>', 'build the requests from this body instead')
    .option('--set <path=value>', 'override a body field (repeatable)', collect, [])
    .option('-H, --header <header>', "add a header to every request, 'Name: value' (repeatable)", collect, [])
    .option('--only <checks>', 'run only these checks (comma-separated)')
    .option('--skip <checks>', 'skip these checks (comma-separated)')
    .option('--deadline <seconds>', "a valid event must get 2xx within this (default: the provider's timeout, e.g. 10s)")
    .option('--fast <seconds>', 'warn when a valid event takes longer than this (default 1s)')
    .option('--concurrency <n>', 'events in the burst check (default 20)')
    .option('--max-body <size>', 'size of the oversized body (default 25mb, GitHub\'s cap)')
    .option('--probe-url <url>', "GET this URL of your app around the duplicate check (e.g. a count of processed events)")
    .option('--allow-remote', 'allow a URL that is not on this machine')
    .option('--db <path>', 'history database, where every request sent is stored (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--json', 'one JSON object per check')
    .addHelpText(
      'after',
      `
Checks: ${CHECK_NAMES.join(', ')}.
Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 usage error.

Examples:
  $ hookdev audit http://localhost:3000/webhooks --provider stripe --secret whsec_…
  $ hookdev audit http://localhost:3000/github --provider github --secret s3cret --only rejects-bad-signature,rejects-reserialized-body
  $ hookdev audit http://localhost:3000/hooks --provider stripe --secret whsec_… --probe-url http://localhost:3000/debug/processed`,
    )
    .action(async (url: string, flags: AuditFlags) => {
      const out = io();
      const { file } = loadConfigFile(out.cwd, out.env);
      await runAuditCommand(parseAuditOptions(url, flags, out.env, file), out);
    });
}

const MARK: Record<CheckResult['grade'], string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

export async function runAuditCommand(options: AuditCommandOptions, io: CommandIO): Promise<void> {
  const [{ resolveSpec }, { openHistory }] = await Promise.all([import('../send/spec.js'), import('./shared.js')]);
  const spec = resolveSpec({ ...options, to: options.url });
  const [{ runAudit, summaryLine, NOTHING_ANSWERS }, { storeHistory }, { createPool }, { exchange }, { makeChalk }, { renderTable }, { formatMs }] = await Promise.all([
    import('../send/audit/checks.js'),
    import('../send/history.js'),
    import('../forward/client.js'),
    import('../forward/exchange.js'),
    import('../ui/output.js'),
    import('../ui/table.js'),
    import('../core/duration.js'),
  ]);
  const store = await openHistory(options.db);
  const pool = createPool({ connectTimeoutMs: 5_000 });
  const history = storeHistory(store, { provider: spec.provider.name, secret: spec.secret, generic: options.generic });
  const chalk = makeChalk(io.stdout as NodeJS.WriteStream, io.env);
  const deadlineMs = options.deadlineMs ?? spec.profile.deadlineSeconds * 1000;
  const send = (req: Parameters<typeof exchange>[0], timeoutMs: number) => exchange(req, { dispatcher: pool, totalTimeoutMs: timeoutMs, keepBytes: 64 * 1024 });
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY) && !options.json;
  if (!options.json) io.stderr.write(chalk.dim(`auditing ${options.url} as ${spec.provider.name} (deadline ${formatMs(deadlineMs)}, ${options.checks.length} check${options.checks.length === 1 ? '' : 's'})\n`));
  let results: CheckResult[];
  try {
    results = await runAudit(
      spec,
      { deadlineMs, fastMs: options.fastMs, concurrency: options.concurrency, maxBody: options.maxBody, checks: options.checks },
      {
        now: Date.now,
        exchange: send,
        history,
        probe: options.probeUrl
          ? async () => {
              const r = await send({ url: options.probeUrl!, method: 'GET', headers: [], body: Buffer.alloc(0) }, 10_000);
              return { status: r.status, body: r.body?.toString('utf8') ?? r.error ?? '' };
            }
          : undefined,
      },
      (r) => {
        if (options.json) io.stdout.write(JSON.stringify(jsonOf(r)) + '\n');
        else if (tty) io.stderr.write(`\r${MARK[r.grade]} ${r.check}\u001b[K`);
      },
    );
  } finally {
    if (tty) io.stderr.write('\r\u001b[K');
    await history.drain();
    store.close();
    await pool.close().catch(() => undefined);
  }
  const failed = results.filter((r) => r.grade === 'fail');
  if (!options.json) {
    const colour = (r: CheckResult, text: string) =>
      r.grade === 'pass' ? chalk.green(text) : r.grade === 'warn' ? chalk.yellow(text) : r.grade === 'fail' ? chalk.red(text) : chalk.dim(text);
    const rows = results.map((r) => [
      colour(r, MARK[r.grade]),
      r.check,
      r.status === null ? '—' : String(r.status),
      r.durationMs === null ? '' : formatMs(r.durationMs),
      r.reason,
    ]);
    io.stdout.write(renderTable(['', 'CHECK', 'STATUS', 'TIME', 'WHY'], rows) + '\n\n');
    // With --db, the pointer names it too: a bare `hookdev show 7` would read the default history.
    const dbArg = options.db ? ` --db ${/^[\w./-]+$/.test(options.db) ? options.db : `'${options.db.replace(/'/g, `'\\''`)}'`}` : '';
    for (const r of results.filter((x) => x.grade === 'fail' || x.grade === 'warn')) {
      io.stdout.write(`${colour(r, MARK[r.grade])} ${r.check}: sent ${r.sent}${r.requestIds.length ? chalk.dim(` (hookdev show ${r.requestIds[0]}${dbArg})`) : ''}\n`);
      if (r.hint) io.stdout.write(`  hint: ${r.hint}\n`);
    }
    io.stdout.write(summaryLine(results) + '\n');
  }
  // Nothing listening, or no answer to the first request: one line that says so, not a list of checks that never
  // reached (or never heard back from) a handler.
  const notRun = results.find((r) => r.grade === 'skip' && r.reason.startsWith('not run: '));
  if (notRun && failed.length === 1) {
    const why = notRun.reason.slice('not run: '.length);
    const skipped = `${results.length - 1} check${results.length === 2 ? '' : 's'} not run`;
    if (why.startsWith(NOTHING_ANSWERS)) {
      throw new OperationError(`nothing answers at ${options.url} (${why.replace(/^nothing answers \((.*)\)$/, '$1')}); ${skipped}`);
    }
    throw new OperationError(`${options.url} gave ${why}; ${skipped}`, 'answer a webhook within the deadline (queue slow work), or give it longer with --deadline');
  }
  if (failed.length) throw new OperationError(`${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((r) => r.check).join(', ')}`);
}

function jsonOf(r: CheckResult): Record<string, unknown> {
  return {
    event: 'check',
    check: r.check,
    result: r.grade,
    status: r.status,
    durationMs: r.durationMs === null ? null : Math.round(r.durationMs * 10) / 10,
    sent: r.sent,
    reason: r.reason,
    hint: r.hint,
    requestIds: r.requestIds,
    ...(r.detail ? { detail: r.detail } : {}),
  };
}
