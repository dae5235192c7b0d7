import type { Command } from 'commander';
import { createWriteStream, openSync } from 'node:fs';
import { once } from 'node:events';
import { UsageError } from '../core/errors.js';
import { parseListFilter, type ListFlags } from './list.js';
import { fileProblem } from '../core/file-error.js';

interface ExportFlags extends ListFlags {
  format?: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write captured requests as NDJSON (round-trips with import) or HAR')
    .option('--format <format>', 'ndjson or har (default ndjson)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('-n, --limit <n>', 'at most this many (oldest first)')
    .option('--method <method>', 'only this HTTP method')
    .option('--path <text>', 'only URLs containing this text')
    .option('--since <when>', 'only since a duration ago (30m, 2h, 7d) or an ISO time')
    .option('--provider <id>', 'only this provider')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .addHelpText('after', `
Examples:
  $ hookdev export --out fixtures.ndjson
  $ hookdev export --provider stripe --since 1d --format har --out stripe.har
  $ hookdev import fixtures.ndjson --db other.db`)
    .action(async (flags: ExportFlags) => {
      const format = (flags.format ?? 'ndjson').toLowerCase();
      if (format !== 'ndjson' && format !== 'har') throw new UsageError(`--format must be ndjson or har, got "${flags.format}"`);
      const filter = parseListFilter(flags, Date.now());
      if (flags.limit === undefined) delete filter.limit;
      const { openHistory } = await import('./shared.js');
      const { toExportRecord, toHarEntry, HAR_OPEN, HAR_CLOSE } = await import('../store/exchange.js');
      // Opened before anything else, synchronously: a stream's open error would arrive later, uncaught.
      const fd = flags.out ? openOut(flags.out) : null;
      const store = await openHistory(flags.db, { mustExist: true });
      const out: NodeJS.WritableStream = fd !== null ? createWriteStream('', { fd }) : process.stdout;
      const write = async (s: string) => {
        if (!out.write(s)) await once(out, 'drain');
      };
      let n = 0;
      try {
        if (format === 'har') await write(HAR_OPEN);
        for (const r of store.iterate(filter)) {
          if (format === 'ndjson') await write(JSON.stringify(toExportRecord(r)) + '\n');
          else await write((n ? ',' : '') + JSON.stringify(toHarEntry(r, { status: r.responseStatus })));
          n++;
        }
        if (format === 'har') await write(HAR_CLOSE);
      } finally {
        store.close();
      }
      if (flags.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`exported ${n} request${n === 1 ? '' : 's'} to ${flags.out}\n`);
      }
    });
}

/** The --out file, opened for writing; a path that cannot be written is the user's to fix (one line, exit 2). */
function openOut(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : fileProblem(err);
    throw new UsageError(`cannot write --out ${path}: ${why}`);
  }
}
