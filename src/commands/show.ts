import type { Command } from 'commander';
import type { Delivery, StoredRequest } from '../core/types.js';
import { formatBytes, formatMs } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { parseIdSelector } from './options.js';

export interface ShowFlags {
  db?: string;
  json?: boolean;
  body?: boolean;
  curl?: boolean;
  url?: string;
}

/**
 * Pure: --json, --body and --curl each choose the whole output, so two of them (or --url without --curl) are a
 * usage error; before, `show 1 --body --json` wrote the raw bytes and dropped --json without a word.
 */
export function checkShowFlags(flags: ShowFlags): void {
  const chosen = (['json', 'body', 'curl'] as const).filter((k) => flags[k]).map((k) => `--${k}`);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined`, 'each one chooses the whole output: pick one');
  if (flags.url !== undefined && !flags.curl) throw new UsageError('--url only applies with --curl', 'example: hookdev show 42 --curl --url http://localhost:3000');
}

export function register(program: Command): void {
  program
    .command('show')
    .description('show one captured request: headers, body, signature verdict, deliveries')
    .argument('<id>', 'request id, or "last"')
    .option('--json', 'one JSON object (body as bodyBase64, byte-exact)')
    .option('--body', 'write the raw body bytes to stdout, nothing else')
    .option('--curl', 'print a curl command that reproduces the request byte-exact')
    .option('--url <base>', 'with --curl: send to this base URL instead of the original Host')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .addHelpText('after', `
Examples:
  $ hookdev show last
  $ hookdev show 42 --json | jq .signature
  $ hookdev show 42 --body > payload.bin
  $ hookdev show 42 --curl --url http://localhost:3000`)
    .action(async (id: string, flags: ShowFlags) => {
      const sel = parseIdSelector(id);
      checkShowFlags(flags);
      const { openHistory, findRequest, requireBody } = await import('./shared.js');
      const store = await openHistory(flags.db, { mustExist: true });
      try {
        const r = findRequest(store, sel);
        if (flags.body || flags.curl) requireBody(r, flags.body ? 'write' : 'reproduce');
        if (flags.body) {
          await new Promise<void>((res) => process.stdout.write(r.body, () => res()));
          return;
        }
        if (flags.curl) {
          const { curlCommand } = await import('../ui/curl.js');
          process.stdout.write(curlCommand(r, flags.url) + '\n');
          return;
        }
        const deliveries = store.deliveries(r.id);
        if (flags.json) {
          const { requestToJson } = await import('../ui/json.js');
          process.stdout.write(JSON.stringify(requestToJson(r, deliveries)) + '\n');
          return;
        }
        process.stdout.write((await renderShow(r, deliveries)) + '\n');
      } finally {
        store.close();
      }
    });
}

async function renderShow(r: StoredRequest, deliveries: Delivery[]): Promise<string> {
  const { makeChalk } = await import('../ui/output.js');
  const { renderBody, decodeContentEncoding } = await import('../ui/body.js');
  const { signatureDetail } = await import('../ui/json.js');
  const { signatureMark } = await import('../ui/log.js');
  const { createHash } = await import('node:crypto');
  const c = makeChalk();
  const out: string[] = [];
  out.push(`${c.bold(`#${r.id}`)}  ${new Date(r.receivedAt).toISOString()}  from ${r.remoteAddr || '?'} via ${r.source}`);
  out.push(`${c.bold(r.method)} ${r.url} HTTP/${r.httpVersion}`);
  for (const [k, v] of r.headers) out.push(`${c.cyan(k)}: ${v}`);
  out.push('');
  if (r.rejectedStatus) {
    out.push(c.red(`rejected with ${r.rejectedStatus}: ${r.rejectedReason ?? ''}`));
  } else {
    const decoded = decodeContentEncoding(r.headers, r.body);
    if (decoded) out.push(c.dim(`(${decoded.encoding}-encoded body, ${formatBytes(r.body.length)} stored; shown decoded)`));
    out.push(renderBody(decoded?.body ?? r.body));
  }
  out.push('');
  if (r.rejectedStatus) {
    // No hash here: it would be the hash of nothing, next to a size that is only what the sender declared.
    const why = r.rejectedStatus === 413 ? ', over --max-body' : '';
    out.push(c.dim(`body not stored (${r.bodySize} bytes declared${why})`));
  } else {
    out.push(c.dim(`body: ${r.bodySize} bytes, sha256 ${createHash('sha256').update(r.body).digest('hex')}`));
  }
  if (r.provider || r.signatureStatus) {
    const detail = signatureDetail(r);
    out.push(`${c.bold('provider')}: ${r.provider ?? 'unknown'}${r.eventType ? `  event ${r.eventType}` : ''}${r.eventId ? `  id ${r.eventId}` : ''}`);
    out.push(`${c.bold('signature')}: ${signatureMark(c, r.signatureStatus, null)}${r.signatureReason ? ` — ${r.signatureReason}` : ''}`);
    if (detail.diagnosis) out.push(`${c.bold('diagnosis')}: ${detail.diagnosis}`);
    for (const w of detail.warnings) out.push(c.yellow(`warning: ${w}`));
  }
  if (r.duplicateOf) out.push(c.yellow(`duplicate delivery of #${r.duplicateOf} (same event id)`));
  if (deliveries.length) {
    out.push(c.bold('deliveries:'));
    for (const d of deliveries) {
      const result = d.error ? c.red(d.error) : `${d.status} in ${formatMs(d.durationMs ?? 0)}`;
      out.push(`  ${d.kind} #${d.attempt} → ${d.target}  ${result}`);
    }
  }
  return out.join('\n');
}
