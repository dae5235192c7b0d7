import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseDurationFlag, parseIntFlag } from './options.js';

export function register(program: Command): void {
  program
    .command('prune')
    .description('delete old requests from the history')
    .option('--older-than <duration>', 'delete requests older than this (e.g. 7d, 12h)')
    .option('--keep <n>', 'keep only the newest N requests')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .addHelpText('after', `
Examples:
  $ hookdev prune --older-than 7d
  $ hookdev prune --keep 1000`)
    .action(async (flags: { olderThan?: string; keep?: string; db?: string }) => {
      const olderMs = parseDurationFlag('--older-than', flags.olderThan);
      const keep = parseIntFlag('--keep', flags.keep, 0);
      if (olderMs === undefined && keep === undefined) {
        throw new UsageError('say what to delete', 'use --older-than 7d or --keep 1000');
      }
      const { openHistory } = await import('./shared.js');
      const store = await openHistory(flags.db, { mustExist: true, mustWrite: true });
      try {
        const removed = store.prune({ olderThan: olderMs === undefined ? undefined : Date.now() - olderMs, keep });
        process.stdout.write(`deleted ${removed} request${removed === 1 ? '' : 's'}, ${store.count()} left\n`);
      } finally {
        store.close();
      }
    });
}
