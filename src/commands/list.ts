import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseSince, formatBytes } from '../core/duration.js';
import type { ListFilter } from '../store/index.js';
import { parseIntFlag } from './options.js';

export interface ListFlags {
  limit?: string;
  method?: string;
  path?: string;
  since?: string;
  provider?: string;
  before?: string;
  db?: string;
  json?: boolean;
}

export function parseListFilter(flags: ListFlags, now: number): ListFilter {
  const filter: ListFilter = { limit: parseIntFlag('--limit', flags.limit, 1) ?? 50 };
  if (flags.method) filter.method = flags.method;
  if (flags.path) filter.pathContains = flags.path;
  if (flags.provider) filter.provider = flags.provider.toLowerCase();
  if (flags.before) filter.beforeId = parseIntFlag('--before', flags.before, 1);
  if (flags.since) {
    const since = parseSince(flags.since, now);
    if (since === null) throw new UsageError(`--since expects a duration (30m, 2h, 7d) or an ISO time, got "${flags.since}"`);
    filter.since = since;
  }
  return filter;
}

export function register(program: Command): void {
  program
    .command('list')
    .alias('ls')
    .description('list captured requests, newest first')
    .option('-n, --limit <n>', 'how many (default 50)')
    .option('--method <method>', 'only this HTTP method')
    .option('--path <text>', 'only URLs containing this text')
    .option('--since <when>', 'only since a duration ago (30m, 2h, 7d) or an ISO time')
    .option('--provider <id>', 'only this provider')
    .option('--before <id>', 'only ids below this one (next page)')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--json', 'NDJSON, one request per line')
    .addHelpText('after', `
Examples:
  $ hookdev list
  $ hookdev list --method POST --path /stripe --since 1h
  $ hookdev list --json | jq .url`)
    .action(async (flags: ListFlags) => {
      const filter = parseListFilter(flags, Date.now());
      const { openHistory } = await import('./shared.js');
      // A missing file is the same error as for `show` (exit 1, naming the path), and no empty file is created.
      const store = await openHistory(flags.db, { mustExist: true });
      try {
        const rows = store.list(filter);
        if (flags.json) {
          const { requestSummaryJson } = await import('../ui/json.js');
          process.stdout.write(rows.map((r) => JSON.stringify(requestSummaryJson(r)) + '\n').join(''));
          return;
        }
        const { makeChalk } = await import('../ui/output.js');
        const { renderTable } = await import('../ui/table.js');
        const { signatureMark } = await import('../ui/log.js');
        const c = makeChalk();
        if (rows.length === 0) {
          const used = usedFilters(flags);
          process.stdout.write(
            used.length ? `no request matches ${used.join(' ')}\n` : 'no requests yet: run `hookdev listen` and send one\n',
          );
          return;
        }
        const table = renderTable(
          ['ID', 'TIME', 'METHOD', 'PATH', 'SIZE', 'STATUS', 'PROVIDER', 'EVENT', 'SIGNATURE'],
          rows.map((r) => [
            String(r.id),
            new Date(r.receivedAt).toLocaleString(),
            r.method,
            r.url.length > 48 ? r.url.slice(0, 47) + '…' : r.url,
            formatBytes(r.bodySize),
            r.responseStatus === null ? '' : String(r.responseStatus),
            r.provider ?? '',
            r.eventType ?? '',
            (signatureMark(c, r.signatureStatus, r.signatureReason ? shorten(r.signatureReason) : null) +
              (r.duplicateOf ? c.yellow(` dup of #${r.duplicateOf}`) : '') +
              (r.rejectedStatus ? c.red(` rejected ${r.rejectedStatus}`) : '')).trim(),
          ]),
        );
        process.stdout.write(table + '\n');
      } finally {
        store.close();
      }
    });
}

function shorten(s: string): string {
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

/** The filter flags given, as typed (for "no request matches --method PUT --since 1h"). */
function usedFilters(flags: ListFlags): string[] {
  const out: string[] = [];
  if (flags.method) out.push(`--method ${flags.method}`);
  if (flags.path) out.push(`--path ${flags.path}`);
  if (flags.since) out.push(`--since ${flags.since}`);
  if (flags.provider) out.push(`--provider ${flags.provider}`);
  if (flags.before) out.push(`--before ${flags.before}`);
  return out;
}
