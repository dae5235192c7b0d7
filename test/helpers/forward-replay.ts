import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/commands/replay.js';
import type { CommandIO } from '../../src/commands/io.js';
import { exitCodeFor, HookdevError } from '../../src/core/errors.js';
import { startListener } from '../../src/listener.js';
import { DEFAULT_RESPONSE } from '../../src/pipeline.js';
import { afterAll, beforeAll } from 'vitest';
import { send } from './http.js';
import { makeTempDir } from './tmp.js';

export interface CapturedSpec {
  path?: string;
  headers?: Array<[string, string]>;
  body: Buffer | string;
}

/** Capture requests through the real listener into the history at `dbPath`; returns their ids. */
export async function captureInto(dbPath: string, specs: CapturedSpec[]): Promise<number[]> {
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    dbPath,
    response: DEFAULT_RESPONSE,
    limits: {},
    secrets: {},
    providerHints: [],
    generic: [],
    passthrough: false,
    forward: null,
    relay: null,
  });
  const ids: number[] = [];
  const seen = new Promise<void>((resolve) => {
    listener.events.subscribe((e) => {
      if (e.type === 'request') ids.push(e.id);
      if (ids.length === specs.length) resolve();
    });
  });
  for (const s of specs) await send(`${listener.url}${s.path ?? '/hooks'}`, { headers: s.headers, body: s.body });
  await seen;
  await listener.close();
  return ids;
}

export interface ReplayRun {
  code: number;
  stdout: string;
  stderr: string;
}

let emptyConfig: string | null = null;
/** An empty config file, so a user's own hookdev.config.json never leaks into a test. */
export function emptyConfigFile(): string {
  if (!emptyConfig) {
    emptyConfig = join(mkdtempSync(join(tmpdir(), 'hookdev-cfg-')), 'hookdev.config.json');
    writeFileSync(emptyConfig, '{}');
  }
  return emptyConfig;
}

/** `hookdev replay …` in-process, through commander, with its output captured; exit code as the CLI maps it. */
export async function runReplayInProcess(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<ReplayRun> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', HOOKDEV_CONFIG: emptyConfigFile(), ...env },
    cwd,
  };
  const program = new Command('hookdev').exitOverride().configureOutput({ writeErr: (t) => (stderr += t), writeOut: (t) => (stdout += t) });
  register(program, () => io);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: (t) => (stderr += t), writeOut: (t) => (stdout += t) });
  try {
    await program.parseAsync(['node', 'hookdev', 'replay', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (err instanceof HookdevError) {
      stderr += `hookdev: ${err.message}\n${err.hint ? `  hint: ${err.hint}\n` : ''}`;
      return { code: exitCodeFor(err), stdout, stderr };
    }
    if ((err as { code?: string }).code?.startsWith('commander.')) return { code: 2, stdout, stderr };
    throw err;
  }
}

/** An $EDITOR command (a node script written into `dir`) that replaces `from` with `to` in the file it is given. */
export function replacingEditor(dir: string, from: string, to: string): string {
  const script = join(dir, `edit-${editors++}.mjs`);
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';\nconst f = process.argv[2];\nwriteFileSync(f, readFileSync(f, 'utf8').replace(${JSON.stringify(from)}, ${JSON.stringify(to)}));\n`,
  );
  return `${process.execPath} ${script}`;
}
let editors = 0;

/**
 * A temp dir and a history holding one captured JSON POST to /hook, made before the file's tests and removed after:
 * the setup of e2e files that show, replay or send against a history a user already has.
 */
export function historyWithOneCapture(prefix: string): { tmp: ReturnType<typeof makeTempDir>; db: string } {
  const tmp = makeTempDir(prefix);
  const db = tmp.path('h.db');
  beforeAll(async () => {
    await captureInto(db, [{ path: '/hook', body: '{"a":1}', headers: [['Content-Type', 'application/json']] }]);
  });
  afterAll(() => tmp.cleanup());
  return { tmp, db };
}
