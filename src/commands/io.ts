/** Where a command writes; injectable so tests can run it in-process. */
export interface CommandIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real process's streams, environment and folder: what a command gets outside tests. */
export const processIO = (): CommandIO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
