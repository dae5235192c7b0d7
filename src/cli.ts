import { Command, CommanderError } from 'commander';
import { HookdevError, UsageError, exitCodeFor } from './core/errors.js';
import { VERSION } from './core/version.js';
import { fileProblem } from './core/file-error.js';
import { onStdoutError } from './core/output-errors.js';
import { register as registerListen } from './commands/listen.js';
import { register as registerList } from './commands/list.js';
import { register as registerShow } from './commands/show.js';
import { register as registerExport } from './commands/export.js';
import { register as registerImport } from './commands/import.js';
import { register as registerPrune } from './commands/prune.js';
import { register as registerVerify } from './commands/verify.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerRelay } from './commands/relay.js';
import { register as registerSend } from './commands/send.js';
import { register as registerAudit } from './commands/audit.js';
import { register as registerUi } from './commands/ui.js';

export function buildProgram(): Command {
  const program = new Command('hookdev')
    .description('Capture, verify, forward, replay and tunnel webhooks on your machine.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ hookdev listen                          capture on http://127.0.0.1:4747
  $ hookdev listen --secret stripe=whsec_…  capture and verify Stripe signatures
  $ hookdev list                            the newest captured requests
  $ hookdev show last --json                one request, byte-exact, as JSON`,
    );
  registerListen(program);
  registerList(program);
  registerShow(program);
  registerExport(program);
  registerImport(program);
  registerVerify(program);
  registerReplay(program);
  registerRelay(program);
  registerSend(program);
  registerAudit(program);
  registerUi(program);
  registerPrune(program);
  return program;
}

/** The one place that turns errors into a message and an exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are not failures.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof HookdevError) {
    process.stderr.write(`hookdev: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    return exitCodeFor(err);
  }
  const sys = err as NodeJS.ErrnoException;
  // A full disk or a broken file under stdout / --out is the machine's state, not a bug in hookdev.
  if (sys?.syscall === 'write' && typeof sys.code === 'string') {
    process.stderr.write(`hookdev: cannot write the output: ${fileProblem(sys)}\n`);
    return 1;
  }
  const e = err as Error;
  process.stderr.write(`hookdev: internal error: ${e?.message ?? String(err)}\n`);
  if (e?.stack) process.stderr.write(`${e.stack}\n`);
  process.stderr.write('  this is a bug in hookdev; please report it with the lines above\n');
  return 1;
}

/**
 * `hookdev serve --help`: commander prints the root help and exits 0 for an unknown command when --help is present,
 * which reads as if `serve` existed. Without --help commander already refuses it.
 */
function refuseUnknownCommand(program: Command, args: string[]): void {
  const first = args[0];
  if (first === undefined || first.startsWith('-') || !args.some((a) => a === '--help' || a === '-h')) return;
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (first !== 'help' && !known.includes(first)) throw new UsageError(`unknown command '${first}' (run \`hookdev --help\` for the list)`);
}

export async function main(argv: string[]): Promise<void> {
  // A closed pipe ends output quietly; a full disk ends a one-shot command with one line and is reported once by a
  // server, which keeps serving (core/output-errors.ts).
  process.stdout.on('error', onStdoutError);
  const program = buildProgram();
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    refuseUnknownCommand(program, argv.slice(2));
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
