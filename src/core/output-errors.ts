/**
 * What a write error on stdout does. A one-shot command (list, show, export) ends with one line and exit 1: its
 * output is the result. A server (listen, relay) only logs to stdout: it says so once on stderr and keeps serving,
 * since what it keeps is in its database, not in the log. A closed pipe (`hookdev list | head`) ends any command
 * quietly, as Unix tools do.
 */
import { fileProblem } from './file-error.js';

let keepServing = false;
let told = false;

/** Called by long-running servers before they start logging. */
export function keepServingOnOutputError(): void {
  keepServing = true;
}

export function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(0);
  if (!keepServing) {
    process.stderr.write(`hookdev: cannot write the output: ${fileProblem(err)}\n`);
    process.exit(1);
  }
  if (told) return;
  told = true;
  process.stderr.write(`hookdev: cannot write the log to stdout: ${fileProblem(err)}; still serving, log lines are dropped\n`);
}
