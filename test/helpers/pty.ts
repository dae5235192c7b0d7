import { createRequire } from 'node:module';
import type { IPty } from '@lydell/node-pty';
import { BIN } from './cli.js';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty') as typeof import('@lydell/node-pty');
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

export interface PtyCli {
  /** The visible screen, one string per row (right-trimmed). */
  screen(): string[];
  text(): string;
  /** Everything the program wrote, escape sequences included. */
  raw(): string;
  /** The rows drawn in inverse video (the UI's selection), as text. */
  inverseRows(): string[];
  /** Which buffer the terminal shows. */
  bufferType(): 'normal' | 'alternate';
  /** Resolves when the screen matches (text or regex) after the terminal has processed all output so far. */
  waitFor(match: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  exited: Promise<number>;
  kill(signal?: string): void;
  pid: number;
}

/** Run the real binary in a pseudo-terminal and read its screen with a headless xterm. */
export function startPty(
  args: string[],
  opts: { cols?: number; rows?: number; env?: NodeJS.ProcessEnv; cwd?: string; /** Run this program instead of hookdev (args are its). */ file?: string } = {},
): PtyCli {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...opts.env };
  delete env.CI; // the UI (and Ink) behave differently in CI; tests drive the interactive path
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_ENV') delete env[k];
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  const child: IPty = pty.spawn(opts.file ?? process.execPath, opts.file ? args : [BIN, ...args], {
    // node-pty sets TERM from the name: the env's TERM (a test may ask for another) is the name.
    name: env.TERM ?? 'xterm-256color',
    cols,
    rows,
    cwd: opts.cwd ?? process.cwd(),
    env: env as Record<string, string>,
  });
  let raw = '';
  let pendingWrites = 0;
  const checks = new Set<() => void>();
  // The exit is reported once the terminal has parsed everything written before it (xterm parses asynchronously:
  // reading the screen at the exit event alone could miss the last sequences, such as leaving the alternate screen).
  let exitCode: number | null = null;
  let resolveExit!: (code: number) => void;
  const settleExit = () => {
    if (exitCode !== null && pendingWrites === 0) resolveExit(exitCode);
  };
  child.onData((d) => {
    raw += d;
    pendingWrites++;
    term.write(d, () => {
      pendingWrites--;
      for (const c of [...checks]) c();
      settleExit();
    });
  });
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
    child.onExit(({ exitCode: code }) => {
      exitCode = code;
      settleExit();
    });
  });

  let done = false;
  void exited.then(() => {
    done = true;
    for (const c of [...checks]) c();
  });

  const screen = () => {
    const b = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < term.rows; i++) out.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return out;
  };
  const text = () => screen().join('\n');
  const inverseRows = () => {
    const b = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < term.rows; i++) {
      const line = b.getLine(b.viewportY + i);
      if (line?.getCell(2)?.isInverse()) out.push(line.translateToString(true));
    }
    return out;
  };
  return {
    screen,
    text,
    raw: () => raw,
    inverseRows,
    bufferType: () => term.buffer.active.type,
    waitFor(match, timeoutMs = 10_000) {
      const test = (s: string) => (typeof match === 'string' ? s.includes(match) : match instanceof RegExp ? match.test(s) : match(s));
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pendingWrites > 0 && !done) return;
          const s = text();
          if (test(s)) {
            cleanup();
            resolve(s);
          } else if (done) {
            cleanup();
            reject(new Error(`program exited before the screen showed ${String(match)}; screen:\n${s}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`screen did not show ${String(match)} within ${timeoutMs} ms; screen:\n${text()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          checks.delete(check);
        };
        checks.add(check);
        check();
      });
    },
    write: (d) => child.write(d),
    resize(c, r) {
      term.resize(c, r);
      child.resize(c, r);
    },
    exited,
    pid: child.pid,
    kill: (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
    },
  };
}
