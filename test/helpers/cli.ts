import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The binary under test; HOOKDEV_TEST_BIN points the same tests at another build (e.g. the code before a fix). */
export const BIN = process.env.HOOKDEV_TEST_BIN || fileURLToPath(new URL('../../bin/hookdev.js', import.meta.url));

/** Run as another user (uid/gid), e.g. to meet file permissions that root ignores. */
export interface AsUser {
  uid?: number;
  gid?: number;
}

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run the real binary as a user would, and wait for it to exit. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string; cwd?: string } & AsUser = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      cwd: opts.cwd,
      uid: opts.uid,
      gid: opts.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(opts.input ?? '');
  });
}

export interface RunningCli {
  child: ChildProcess;
  /** Every NDJSON event printed so far. */
  events: Array<Record<string, unknown>>;
  /** Resolves with the first event matching the predicate (already seen or future). */
  waitForEvent(pred: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start a long-running command (listen, relay) with NDJSON output. */
export function startCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } & AsUser = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd,
    uid: opts.uid,
    gid: opts.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<{ pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }> = [];
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    events,
    stderr: () => err,
    waitForEvent(pred, timeoutMs = 15_000) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        exited.then(() => setTimeout(() => reject(new Error(`process exited; stderr: ${err}`)), 50));
        waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Long-running commands started together by one test file, each with the same extra environment (e.g. its own
 * XDG_CONFIG_HOME, so a saved relay channel stays in the test's temp dir); `killAll` ends them (for afterAll).
 */
export function cliGroup(env: NodeJS.ProcessEnv): { start(args: string[]): RunningCli; killAll(): Promise<void> } {
  const procs: RunningCli[] = [];
  return {
    start(args) {
      const p = startCli(args, { env });
      procs.push(p);
      return p;
    },
    async killAll() {
      await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    },
  };
}
