import type { Command } from 'commander';
import { loadConfigFile, type ConfigFile } from '../config/file.js';
import { collectSecrets, type SecretMap } from '../config/secrets.js';
import { OperationError, UsageError } from '../core/errors.js';
import { DISCORD_SIGNING_HINT } from '../core/secrets.js';
import { parseRequestHeader } from '../core/header-validate.js';
import { isHttpUrl } from '../core/http-url.js';
import type { HeaderList, StoredRequest } from '../core/types.js';
import type { Signing } from '../forward/replay.js';
import type { Store } from '../store/index.js';
import type { GenericDefinition } from '../signatures/types.js';
import { collect, parseIdSelector, parseIntFlag, parsePositiveDuration, parseTimerDuration, type IdSelector } from './options.js';
import { processIO, type CommandIO } from './io.js';

/** Flags as commander hands them over. */
export interface ReplayFlags {
  to?: string;
  keepPath?: boolean;
  preserveHost?: boolean;
  resign?: boolean;
  secret?: string[];
  times?: string;
  shuffle?: boolean;
  delay?: string;
  timeout?: string;
  edit?: boolean;
  setHeader?: string[];
  db?: string;
  json?: boolean;
}

export interface ReplayOptions {
  selector: IdSelector;
  /** `--to`; undefined: config `forwardTo[0]`, else the last delivery's target. */
  to: string | undefined;
  /** Send to the target URL exactly (default: append the captured path and query, as `listen` forwards). */
  keepPath: boolean;
  preserveHost: boolean;
  resign: boolean;
  secrets: SecretMap;
  /**
   * The secrets given by `--secret` alone. Discord signs only with these: its configured secret (environment, config)
   * is the public key listen and verify check with.
   */
  flagSecrets: SecretMap;
  /** Copies of each request. Default 1. */
  times: number;
  shuffle: boolean;
  /** Pause between sends, ms. Default 0. */
  delayMs: number;
  /** Per-send total timeout, ms. Default 30000. */
  timeoutMs: number;
  edit: boolean;
  setHeaders: HeaderList;
  db: string | undefined;
  json: boolean;
  configForwardTo: string[];
  generic: GenericDefinition[];
}


/** Flags + environment + config file → typed options. Pure: throws UsageError on bad input. */
export function parseReplayOptions(selector: string, flags: ReplayFlags, env: NodeJS.ProcessEnv, file: ConfigFile): ReplayOptions {
  const setHeaders: HeaderList = [];
  for (const h of flags.setHeader ?? []) setHeaders.push(parseRequestHeader('--set-header', h));
  if (flags.to !== undefined && !isHttpUrl(flags.to)) {
    throw new UsageError(`--to expects a valid http(s) URL, got "${flags.to}"`, 'example: --to http://localhost:3000/webhooks');
  }
  return {
    selector: parseIdSelector(selector, true),
    to: flags.to,
    keepPath: Boolean(flags.keepPath),
    preserveHost: Boolean(flags.preserveHost),
    resign: Boolean(flags.resign),
    secrets: collectSecrets(flags.secret ?? [], env, file.secrets ?? {}),
    flagSecrets: collectSecrets(flags.secret ?? [], {}),
    times: parseIntFlag('--times', flags.times, 1, 10_000) ?? 1,
    shuffle: Boolean(flags.shuffle),
    delayMs: parseTimerDuration('--delay', flags.delay) ?? 0,
    timeoutMs: parsePositiveDuration('--timeout', flags.timeout) ?? 30_000,
    edit: Boolean(flags.edit),
    setHeaders,
    db: flags.db,
    json: Boolean(flags.json),
    configForwardTo: file.forwardTo ?? [],
    generic: file.generic ?? [],
  };
}

export function register(program: Command, io: () => CommandIO = processIO): void {
  program
    .command('replay')
    .description('send captured requests to your app again (re-signed, edited, repeated or shuffled)')
    .argument('<id>', 'request id, "last", or a range like 12..20')
    .option('--to <url>', 'target (default: forwardTo in the config, else the last target used)')
    .option('--keep-path', "send to --to exactly, instead of appending the request's path and query")
    .option('--preserve-host', "keep the sender's Host header")
    .option('--resign', "sign again with the provider's secret and a fresh timestamp")
    .option('--secret <provider=secret>', 'secret for --resign (repeatable; or HOOKDEV_SECRET_<PROVIDER>; discord: the private key, by --secret only)', collect, [])
    .option('--times <n>', 'send each request n times (idempotency test; default 1)')
    .option('--shuffle', 'send in random order (ordering test)')
    .option('--delay <ms>', 'pause between sends, e.g. 500 or 500ms')
    .option('--timeout <ms>', 'give up on an answer after this long (default 30s)')
    .option('--edit', 'edit the body in $EDITOR first (re-signed when a secret is known; an empty file cancels)')
    .option('--set-header <header>', "set a header, 'Name: value' (repeatable)", collect, [])
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--json', 'NDJSON: one {"event":"delivery",…} line per send')
    .addHelpText(
      'after',
      `
Examples:
  $ hookdev replay last --to http://localhost:3000/webhooks
  $ hookdev replay 42 --resign --secret stripe=whsec_…     an old Stripe event, accepted again
  $ hookdev replay 42 --times 3                            does your app act only once?
  $ hookdev replay 10..20 --shuffle --delay 200ms          does it cope with any order?
  $ hookdev replay last --edit                             change the body, then send

--edit opens each body in $EDITOR (JSON re-indented). A file left as written (or only re-indented) sends the
original bytes; an empty or white-space-only file cancels that request (nothing sent, exit 1), as kubectl edit does.

Exit codes: 0 every selected request was sent and every send got a 2xx, 1 otherwise, 2 usage error.`,
    )
    .action(async (selector: string, flags: ReplayFlags) => {
      const out = io();
      const { file } = loadConfigFile(out.cwd, out.env);
      await runReplayCommand(parseReplayOptions(selector, flags, out.env, file), out);
    });
}


function selectRequests(store: Store, sel: IdSelector): StoredRequest[] {
  if (sel.kind !== 'range') {
    const r = sel.kind === 'last' ? store.last() : store.get(sel.id);
    if (!r) {
      throw new OperationError(sel.kind === 'last' ? 'the history is empty' : `request ${sel.id} not found`,
        'run `hookdev list` to see the ids');
    }
    if (r.rejectedStatus) {
      throw new OperationError(`request ${r.id} was refused with ${r.rejectedStatus} and its body was not kept; nothing to replay`);
    }
    return [r];
  }
  const all = [...store.iterate({ ids: { from: sel.from, to: sel.to } })];
  if (!all.length) throw new OperationError(`no requests with ids ${sel.from}..${sel.to}`, 'run `hookdev list` to see the ids');
  return all;
}

export async function runReplayCommand(options: ReplayOptions, io: CommandIO): Promise<void> {
  const { openHistory } = await import('./shared.js');
  const store = await openHistory(options.db, { mustExist: true });
  try {
    await replayWithStore(store, options, io);
  } finally {
    store.close();
  }
}

async function replayWithStore(store: Store, options: ReplayOptions, io: CommandIO): Promise<void> {
  const replay = await import('../forward/replay.js');
  const sel = options.selector;
  if (sel.kind === 'range' && sel.reversed) {
    // Accepted, but said: replays always go in ascending id order (use --shuffle for another order).
    io.stderr.write(`replaying ${sel.from}..${sel.to} in ascending id order (you wrote ${sel.to}..${sel.from})\n`);
  }
  const all = selectRequests(store, sel);
  const requests = all.filter((r) => !r.rejectedStatus);
  if (requests.length < all.length) {
    io.stderr.write(`skipping ${all.length - requests.length} refused request(s) whose body was not kept\n`);
  }

  const target = replay.resolveTarget(options.to, options.configForwardTo, replay.rememberedReplayTarget(store), options.keepPath);
  if (!target) {
    throw new UsageError('no target to replay to', 'pass --to http://localhost:3000/webhooks, or set forwardTo in hookdev.config.json');
  }
  if (!isHttpUrl(target.url)) throw new UsageError(`the ${target.source} target is not an http(s) URL: ${target.url}`);

  const signers = await signersFor(requests, options);
  const bodies = new Map<number, Buffer>();
  // Requests whose file was saved empty: not sent (kubectl's "Edit cancelled, saved file was empty").
  const cancelled: number[] = [];
  if (options.edit) {
    const { editInEditor, EditorError } = await import('../forward/editor.js');
    // The default editor draws on a terminal: without one it prints escape codes into a pipe and fails. A set
    // EDITOR may be a script that needs no terminal, so it is trusted.
    if (!io.env.EDITOR && !io.env.VISUAL && !(process.stdin.isTTY && io.stdout.isTTY)) {
      throw new UsageError('--edit opens vi, which needs a terminal, and this is not one',
        'run it in a terminal, or set EDITOR to a command that edits the file it is given');
    }
    for (const r of requests) {
      try {
        const res = await editInEditor(r.body, { env: io.env, name: `hookdev-${r.id}${/json/i.test(r.contentType ?? '') ? '.json' : '.txt'}` });
        switch (res.outcome) {
          case 'unchanged':
            break; // the captured bytes go out as they are
          case 'emptied':
            cancelled.push(r.id);
            break;
          case 'edited':
            bodies.set(r.id, res.body);
            if (!signers.has(r.id) && r.provider) {
              io.stderr.write(`warning: #${r.id} body edited but no ${r.provider} secret is known, so its old signature will not match\n`);
            }
            break;
          default:
            res satisfies never;
        }
      } catch (err) {
        if (err instanceof EditorError) throw new UsageError(err.message, 'set EDITOR, e.g. EDITOR=nano');
        throw err;
      }
    }
  }
  const toSend = cancelled.length ? requests.filter((r) => !cancelled.includes(r.id)) : requests;
  const cancelNote = cancelled.length ? editCancelledLine(cancelled) : '';
  // Nothing left to send is a failure for a script (exit 1), as git treats an emptied commit message; one line.
  if (!toSend.length) throw new OperationError(`${cancelNote}; nothing was sent`);
  if (cancelled.length) io.stderr.write(`${cancelNote}; ${cancelled.length === 1 ? 'it is' : 'they are'} not sent\n`);

  const from = { flag: '--to', config: 'forwardTo in the config', 'last-used': 'the last target used' }[target.source];
  io.stderr.write(`replaying to ${target.url} (${from}${target.exact ? '' : ", plus each request's path"})\n`);
  if (target.source === 'flag') {
    try {
      replay.rememberReplayTarget(store, { url: target.url, keepPath: target.exact });
    } catch {
      // A history we cannot write to still replays; it just does not remember this target.
    }
  }
  // Sign an edited body when we can, even without --resign: otherwise it is sure to fail verification.
  const signFor = (r: StoredRequest): Signing | null => {
    const s = signers.get(r.id);
    if (!s || (!options.resign && !bodies.has(r.id))) return null;
    return { ...s, now: Math.floor(Date.now() / 1000) };
  };

  const [{ EventHub }, { runReplays }, { jsonLine, replayLine }, { makeChalk }] = await Promise.all([
    import('../core/events.js'),
    import('../forward/replayer.js'),
    import('../ui/log.js'),
    import('../ui/output.js'),
  ]);
  const chalk = makeChalk(io.stdout as NodeJS.WriteStream, io.env);
  const events = new EventHub();
  events.subscribe((e) => {
    if (e.type !== 'delivery') return;
    io.stdout.write((options.json ? jsonLine(e) : replayLine(chalk, e, options.times)) + '\n');
  });

  const plan = replay.planReplays(toSend, { times: options.times, shuffle: options.shuffle });
  const { WriteBatcher } = await import('../store/index.js');
  const writes = new WriteBatcher(store, (err) => io.stderr.write(`warning: could not save a delivery record: ${err.message}\n`));
  const results = await runReplays({
    deliveries: writes,
    events,
    plan,
    delayMs: options.delayMs,
    totalTimeoutMs: options.timeoutMs,
    prepare: (r) =>
      replay.prepareReplay(r, {
        target,
        body: bodies.get(r.id),
        sign: signFor(r),
        setHeaders: options.setHeaders,
        preserveHost: options.preserveHost,
      }),
  }).finally(() => writes.flush());
  const summary = replay.summarize(results);
  // Exit 0 says every selected request went out and got a 2xx: one whose edit was cancelled did not go out.
  if (!summary.ok || cancelled.length) {
    throw new OperationError(cancelled.length ? `${summary.line}; ${cancelled.length} request${cancelled.length === 1 ? '' : 's'} not sent (edit cancelled)` : summary.line);
  }
  if (!options.json) io.stdout.write(chalk.dim(summary.line) + '\n');
}

/** `edit of #3 cancelled: the saved file was empty` (or `edits of #3, #5 cancelled: the saved files were empty`). */
function editCancelledLine(ids: number[]): string {
  const list = ids.map((id) => `#${id}`).join(', ');
  return ids.length === 1 ? `edit of ${list} cancelled: the saved file was empty` : `edits of ${list} cancelled: the saved files were empty`;
}

/** Provider + secret per request. With --resign a missing one is the user's to fix, before anything is sent. */
async function signersFor(requests: StoredRequest[], options: ReplayOptions): Promise<Map<number, Omit<Signing, 'now'>>> {
  const out = new Map<number, Omit<Signing, 'now'>>();
  if (!options.resign && !options.edit) return out;
  const { getProvider, secretsFor, secretEnvName } = await import('../signatures/index.js');
  for (const r of requests) {
    const provider = r.provider ? getProvider(r.provider, options.generic) : undefined;
    if (!provider) {
      if (!options.resign) continue;
      throw new UsageError(
        `request ${r.id} has no known provider, so it cannot be re-signed`,
        'replay it without --resign (its headers go out as captured)',
      );
    }
    const discord = provider.name === 'discord';
    const secret = secretsFor(provider, discord ? options.flagSecrets : options.secrets).secrets[0];
    if (!secret) {
      if (!options.resign) continue;
      throw new UsageError(
        `no ${provider.name} secret to re-sign request ${r.id}`,
        discord
          ? `pass --secret discord=…: ${DISCORD_SIGNING_HINT}`
          : `pass --secret ${provider.name}=… or set ${secretEnvName(provider.name)} (or "secrets" in hookdev.config.json)`,
      );
    }
    out.set(r.id, { provider, secret });
  }
  return out;
}
