import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { collect } from './options.js';

export interface UiFlags {
  db?: string;
  secret?: string[];
}

export function register(program: Command): void {
  program
    .command('ui')
    .description('browse the history in a terminal UI; follows what `listen` (or anything else) writes to it')
    .option('--db <path>', 'history database (default: $HOOKDEV_DB, else `db` in the config file, else the user data dir)')
    .option('--secret <provider=secret>', 'secret for re-signing (R) and re-verifying (v) (repeatable; discord: the public key, so R does not re-sign Discord requests)', collect, [])
    .addHelpText('after', `
Keys: j/k move, Enter open, Tab switch tab, / filter, r replay, R re-sign, e edit, y curl, x export, ? help, q quit.
Filter: method:POST path:/stripe provider:github event:push sig:invalid status:5xx delivery:failed dup:yes since:1h text

Examples:
  $ hookdev ui
  $ hookdev ui --db ./hookdev.db --secret stripe=whsec_…`)
    .action(async (flags: UiFlags) => {
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new UsageError('hookdev ui needs a terminal', 'in scripts use `hookdev list --json` and `hookdev show ID --json`');
      }
      const { canDrawScreen } = await import('../ui/app/when.js');
      if (!canDrawScreen(process.env)) {
        throw new UsageError('hookdev ui needs a terminal that can draw a full screen (TERM=dumb)', 'run it in a terminal emulator, or use `hookdev list` and `hookdev show ID`');
      }
      const { loadConfigFile } = await import('../config/file.js');
      const { collectSecrets } = await import('../config/secrets.js');
      const { file } = loadConfigFile();
      const secrets = collectSecrets(flags.secret ?? [], process.env, file.secrets ?? {});
      const { openHistory } = await import('./shared.js');
      const store = await openHistory(flags.db, { mustExist: true });
      // A browser reads windows and details, not the whole history: a small page cache keeps memory low.
      store.db.pragma('cache_size = -4000');
      const { startUi } = await import('../ui/app/start.js');
      // Signals are handled from before the first frame: one that comes while Ink loads restores the terminal too.
      let ui: Awaited<ReturnType<typeof startUi>> | null = null;
      let stopped = false;
      const stop = () => {
        stopped = true;
        ui?.close();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      try {
        ui = await startUi({
          store,
          source: store.path,
          secrets,
          generic: file.generic ?? [],
          targets: Array.isArray(file.forwardTo) ? file.forwardTo : [],
        });
        if (stopped) ui.close();
        await ui.done;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.off('SIGHUP', stop);
        store.close();
      }
    });
}
