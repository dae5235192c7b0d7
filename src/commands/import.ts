import type { Command } from 'commander';
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { OperationError, UsageError } from '../core/errors.js';
import { fileProblem } from '../core/file-error.js';

export function register(program: Command): void {
  program
    .command('import')
    .description('add requests from an NDJSON export (hookdev export) to the history')
    .argument('<file>', 'NDJSON file, or - for stdin')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .addHelpText('after', `
Examples:
  $ hookdev export --out captured.ndjson && hookdev import captured.ndjson --db ci.db`)
    .action(async (file: string, flags: { db?: string }) => {
      // Opened up front: a read stream's open error (a directory, no permission) would arrive later, uncaught.
      const fd = file === '-' ? null : openIn(file);
      const { openHistory } = await import('./shared.js');
      const { fromExportLine } = await import('../store/exchange.js');
      const store = await openHistory(flags.db, { mustWrite: true });
      const input = fd === null ? process.stdin : createReadStream('', { fd });
      const lines = createInterface({ input, crlfDelay: Infinity });
      let lineNo = 0;
      let added = 0;
      let skipped = 0;
      const bad: string[] = [];
      let batch: Exclude<ReturnType<typeof fromExportLine>, string>[] = [];
      const flush = () => {
        for (const r of store.insertMany(batch)) r.redelivered ? skipped++ : added++;
        batch = [];
      };
      try {
        for await (const line of lines) {
          lineNo++;
          if (!line.trim()) continue;
          if (added + skipped + bad.length + batch.length === 0 && looksLikeHar(line)) {
            throw new UsageError(
              `${file === '-' ? 'the input' : file} is a HAR file; import reads the NDJSON of \`hookdev export\``,
              'export with the default --format ndjson to move requests between histories; HAR is for devtools and proxies',
            );
          }
          const parsed = fromExportLine(line);
          if (typeof parsed === 'string') {
            bad.push(`line ${lineNo}: ${parsed}`);
            continue;
          }
          batch.push(parsed);
          if (batch.length >= 500) flush();
        }
        flush();
      } finally {
        store.close();
      }
      process.stderr.write(`imported ${added} request${added === 1 ? '' : 's'}${skipped ? `, skipped ${skipped} already present` : ''}\n`);
      if (bad.length) {
        for (const b of bad.slice(0, 5)) process.stderr.write(`  ${b}\n`);
        if (bad.length > 5) process.stderr.write(`  … and ${bad.length - 5} more\n`);
        throw new OperationError(`${bad.length} line${bad.length === 1 ? '' : 's'} could not be imported`, 'each line must be one object from `hookdev export`');
      }
    });
}

/** The first line of a HAR file (`hookdev export --format har`, devtools, proxies): one-line or pretty-printed. */
function looksLikeHar(line: string): boolean {
  return /^\s*\{\s*$/.test(line) || /^\s*\{\s*"log"\s*:/.test(line);
}

/** The file to import, opened for reading; anything but a readable regular file is one line, exit 2. */
function openIn(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${fileProblem(err)}`);
  }
  if (fstatSync(fd).isDirectory()) throw new UsageError(`${path} is a directory; import takes an NDJSON file from \`hookdev export\``);
  return fd;
}
