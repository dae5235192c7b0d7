import { createElement } from 'react';
import { render } from 'ink';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretMap } from '../../config/secrets.js';
import type { EventHub, PipelineEvent } from '../../core/events.js';
import type { GenericDefinition } from '../../signatures/types.js';
import { Browser } from '../../store/browse.js';
import type { Store } from '../../store/index.js';
import { ReplayActions, osc52 } from './actions.js';
import { App } from './App.js';
import { Controller } from './controller.js';
import { TerminalScreen } from './terminal.js';

export interface RunUiOptions {
  store: Store;
  /** The history file, for the header. */
  source: string;
  secrets: SecretMap;
  generic: GenericDefinition[];
  /** Forward targets (listen) or the config's forwardTo (ui). */
  targets: string[];
  /** Live mode: the pipeline's events (same process). Without it the history is polled. */
  events?: EventHub | null;
  relay?: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** Polling period for another process's writes (ms). */
  pollMs?: number;
}

export interface RunningUi {
  /** Resolves when the user quits (q, ctrl-c). */
  done: Promise<void>;
  /** Leave the UI and restore the terminal (signals, errors); idempotent. */
  close(): void;
}

/** Mount the Ink app full screen; every exit path puts the terminal back as it was. */
export function runUi(o: RunUiOptions): RunningUi {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const env = o.env ?? process.env;
  const term = new TerminalScreen(stdin, stdout);
  const browser = new Browser(o.store.db);
  let controller: Controller;
  let resolveCommitted: ((s: boolean) => void) | null = null;
  const handOff = async <T,>(fn: () => Promise<T>): Promise<T> => {
    // Inactive input first (Ink turns raw mode off and stops reading), then the terminal goes to the program.
    const committed = new Promise<boolean>((r) => (resolveCommitted = r));
    controller.setSuspended(true);
    await committed;
    try {
      return await term.handOff(fn);
    } finally {
      controller.setSuspended(false);
      controller.setStatus({ text: 'back', tone: 'info' });
    }
  };
  const actions = new ReplayActions({
    store: o.store,
    browser,
    events: o.events ?? undefined,
    secrets: o.secrets,
    generic: o.generic,
    targets: o.targets,
    handOff,
    clipboard: (text) => stdout.write(osc52(text)),
    outDir: join(tmpdir(), 'hookdev'),
    env,
  });
  controller = new Controller({
    browser,
    source: o.source,
    actions,
    live: o.events ? { targets: o.targets, relay: Boolean(o.relay) } : null,
    cols: stdout.columns || 80,
    rows: stdout.rows || 24,
  });
  const onSuspendCommitted = (s: boolean) => {
    if (s && resolveCommitted) {
      const r = resolveCommitted;
      resolveCommitted = null;
      r(s);
    }
  };

  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | null = null;
  const onResize = () => term.clear();
  const onError = (err: Error) => {
    close();
    process.stderr.write(`hookdev: internal error in the UI: ${err.message}\n${err.stack ?? ''}\n`);
    process.exit(1);
  };

  term.enter();
  controller.start();
  const ink = render(createElement(App, { controller, onSuspendCommitted }), {
    stdin,
    stdout,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 30,
  });
  stdout.on('resize', onResize);
  process.on('uncaughtException', onError);

  // Other writers (another process, or this one's pipeline): a cheap look at the newest id and data_version.
  timers.push(setInterval(() => controller.tick(), o.pollMs ?? (o.events ? 1000 : 250)));
  if (o.events) {
    let pending: NodeJS.Timeout | null = null;
    unsubscribe = o.events.subscribe((e: PipelineEvent) => {
      controller.onEvent(e);
      // Batched: one read of the history per frame, however many requests arrive in it.
      if ((e.type === 'request' || e.type === 'delivery') && !pending) {
        pending = setTimeout(() => {
          pending = null;
          controller.tick();
        }, 33);
      }
    });
  }

  function close(): void {
    if (finished) return;
    finished = true;
    controller.stop();
    for (const t of timers) clearInterval(t);
    unsubscribe?.();
    stdout.off('resize', onResize);
    process.off('uncaughtException', onError);
    try {
      ink.unmount();
    } finally {
      term.restore();
      // Ink unrefs stdin; pausing also stops the tty read, so the process can end.
      stdin.pause();
      resolveDone();
    }
  }
  controller.onQuit = close;
  return { done, close };
}
