import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { parseSendableHeader } from '../core/header-validate.js';
import type { HeaderList, Verdict } from '../core/types.js';
import { loadConfigFile } from '../config/file.js';
import { collectSecrets, secretEnvName } from '../config/secrets.js';
import { collect, parseIdSelector, parseIntFlag } from './options.js';
import { fileProblem } from '../core/file-error.js';

export interface VerifyFlags {
  secret?: string[];
  provider?: string;
  bodyFile?: string;
  header?: string[];
  url?: string;
  method?: string;
  now?: string;
  tolerance?: string;
  db?: string;
  json?: boolean;
}

/** The request to check, from the history or from the command line. */
export interface VerifySubject {
  body: Buffer;
  headers: HeaderList;
  url: string;
  method: string;
  /** Unix seconds the timestamps are judged at. */
  now: number;
  /** Stored request id, when checking a capture. */
  id: number | null;
}

/**
 * `-H 'Name: value'` for verify: checked as node:http checks what it sends (send and audit use parseRequestHeader). A
 * value HTTP cannot carry is one line and exit 2 before anything goes out (issue 10, item 3).
 */
export function parseHeaderFlags(values: string[]): HeaderList {
  return values.map((h) => parseSendableHeader('-H', h));
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check a webhook signature: a captured request, or a body file and headers')
    .argument('[id]', 'captured request id or "last" (omit to check --body-file with -H headers)')
    .option('--secret <secret>', 'the signing secret (repeatable: any may match); public key for discord/v1a', collect, [])
    .option('--provider <id>', 'provider id (default: detected from the headers)')
    .option('--body-file <file>', 'raw body to check, - for stdin (when no id is given)')
    .option('-H, --header <header>', "a request header, 'Name: value' (repeatable)", collect, [])
    .option('--url <url>', 'the full URL the sender used (Twilio and Square sign it)')
    .option('--method <method>', 'HTTP method (default: the captured one, or POST)')
    .option('--now <unix-seconds>', 'judge timestamps as of this time (default: when captured, or now)')
    .option('--tolerance <seconds>', "override the provider's timestamp window (0 disables the check)")
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--json', 'one JSON object with the verdict')
    .addHelpText('after', `
Exit codes: 0 valid, 1 invalid (reason on stderr, or in the JSON), 2 usage error.

Examples:
  $ hookdev verify last --secret whsec_…
  $ hookdev verify 42 --secret "$STRIPE_WEBHOOK_SECRET" --json
  $ hookdev verify --body-file payload.json --secret whsec_… \\
      -H 'Stripe-Signature: t=1700000000,v1=…' --now 1700000000
  $ cat body.json | hookdev verify --body-file - --provider github --secret s3cret \\
      -H 'X-Hub-Signature-256: sha256=…'`)
    .action(async (id: string | undefined, flags: VerifyFlags) => {
      const code = await runVerify(id, flags);
      process.exitCode = code;
    });
}

async function loadSubject(id: string | undefined, flags: VerifyFlags): Promise<VerifySubject> {
  const nowFlag = parseIntFlag('--now', flags.now, 0);
  if (id !== undefined) {
    if (flags.bodyFile) throw new UsageError('give either a request id or --body-file, not both');
    const sel = parseIdSelector(id);
    const { openHistory, findRequest, requireBody } = await import('./shared.js');
    const { senderUrl } = await import('../core/sender-url.js');
    const store = await openHistory(flags.db, { mustExist: true });
    try {
      const r = findRequest(store, sel);
      requireBody(r, 'verify');
      const headers = flags.header?.length ? [...r.headers, ...parseHeaderFlags(flags.header)] : r.headers;
      return {
        body: r.body,
        headers,
        url: flags.url ?? senderUrl({ ...r, headers }),
        method: flags.method?.toUpperCase() ?? r.method,
        // A capture is judged as of when it arrived, so old captures can be checked with a secret added later.
        now: nowFlag ?? Math.floor(r.receivedAt / 1000),
        id: r.id,
      };
    } finally {
      store.close();
    }
  }
  if (!flags.bodyFile) {
    throw new UsageError('nothing to verify', 'give a captured request id (hookdev verify last …) or --body-file FILE with -H headers');
  }
  let body: Buffer;
  try {
    body = flags.bodyFile === '-' ? readFileSync(0) : readFileSync(flags.bodyFile);
  } catch (err) {
    throw new UsageError(`cannot read --body-file ${flags.bodyFile}: ${fileProblem(err)}`);
  }
  return {
    body,
    headers: parseHeaderFlags(flags.header ?? []),
    url: flags.url ?? '',
    method: (flags.method ?? 'POST').toUpperCase(),
    now: nowFlag ?? Math.floor(Date.now() / 1000),
    id: null,
  };
}

export async function runVerify(id: string | undefined, flags: VerifyFlags): Promise<number> {
  const tolerance = parseIntFlag('--tolerance', flags.tolerance, 0);
  if (flags.url !== undefined && !/^https?:\/\/[^/]/i.test(flags.url)) {
    throw new UsageError(`--url must be a full URL like https://example.com/webhooks, got "${flags.url}"`);
  }
  const subject = await loadSubject(id, flags);
  const { file } = loadConfigFile();
  const generic = file.generic ?? [];
  const sig = await import('../signatures/index.js');
  const provider = flags.provider
    ? sig.getProvider(flags.provider, generic)
    : (sig.detectProvider(subject.headers, generic) ?? undefined);
  if (!provider) {
    if (flags.provider) {
      throw new UsageError(`unknown provider "${flags.provider}"`, `known: ${[...sig.providerNames, ...generic.map((g) => g.name)].join(', ')}`);
    }
    throw new UsageError('no signature headers to detect the provider from',
      subject.id === null ? "pass the headers with -H 'Name: value', or --provider" : 'pass --provider');
  }
  // Configured secrets of every provider take part in the diagnosis ("matches your test-mode secret").
  const configured = collectSecrets([], process.env, file.secrets ?? {});
  const own = flags.secret?.length ? flags.secret : (sig.secretsFor(provider, configured).secrets);
  if (own.length === 0) {
    throw new UsageError(`no secret to verify with`, `pass --secret, or set ${secretEnvName(provider.name)}`);
  }
  if (own.some((s) => s === '')) throw new UsageError('--secret must not be empty');
  const secrets = { ...configured, [provider.name]: own };
  const verdict = sig.analyze({
    body: subject.body,
    headers: subject.headers,
    url: subject.url,
    method: subject.method,
    secrets,
    now: subject.now,
    provider: provider.name,
    tolerance,
    generic,
  });
  const { createHash } = await import('node:crypto');
  const bodySha256 = createHash('sha256').update(subject.body).digest('hex');
  if (flags.json) {
    process.stdout.write(JSON.stringify(verifyJson(subject, verdict, bodySha256)) + '\n');
  } else {
    await printHuman(subject, verdict, bodySha256);
  }
  if (verdict.code === 'unknown_provider') throw new UsageError(verdict.reason);
  return verdict.status === 'valid' ? 0 : 1;
}

function verifyJson(subject: VerifySubject, v: Verdict, bodySha256: string): Record<string, unknown> {
  return {
    valid: v.status === 'valid',
    id: subject.id,
    provider: v.provider,
    status: v.status,
    reason: v.reason,
    code: v.code ?? null,
    diagnosis: v.diagnosis ?? null,
    warnings: v.warnings ?? [],
    eventType: v.eventType,
    eventId: v.eventId,
    checkedAt: subject.now,
    bodySize: subject.body.length,
    bodySha256,
  };
}

async function printHuman(subject: VerifySubject, v: Verdict, bodySha256: string): Promise<void> {
  const { makeChalk } = await import('../ui/output.js');
  if (v.status === 'valid') {
    const c = makeChalk(process.stdout);
    process.stdout.write(`${c.green('✓')} ${v.reason}${v.eventType ? c.dim(`  (${v.eventType})`) : ''}\n`);
    for (const w of v.warnings ?? []) process.stdout.write(c.yellow(`warning: ${w}\n`));
    return;
  }
  const c = makeChalk(process.stderr);
  const lines = [`${c.red('✗')} ${v.provider ?? 'signature'}: ${v.reason}`];
  if (v.diagnosis) lines.push(`  ${v.diagnosis.replace(/\n/g, '\n  ')}`);
  for (const w of v.warnings ?? []) lines.push(c.yellow(`  warning: ${w}`));
  if (!v.diagnosis?.includes(bodySha256)) lines.push(c.dim(`  body: ${subject.body.length} bytes, sha256 ${bodySha256}`));
  process.stderr.write(lines.join('\n') + '\n');
}


