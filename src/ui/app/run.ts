import { createElement } from 'react';
import { render } from 'ink';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineEvent } from '../../core/events.js';
import { ReplayActions, osc52 } from './actions.js';
import { App } from './App.js';
import { colourWanted, setColour } from './ansi.js';
import type { PreparedUi, RunningUi } from './start.js';

/** Mount the Ink app over the first frame; every exit path puts the terminal back as it was. */
export async function mountUi({ o, stdin, stdout, env, browser, controller, term }: PreparedUi): Promise<RunningUi> {
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
  controller.actions = actions;
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
  /** Ink's time for the last frame: live batches are spaced by what a frame costs. */
  let lastRender = 0;
  let unsubscribe: (() => void) | null = null;
  const onResize = () => term.clear();
  const onError = (err: Error) => {
    close();
    process.stderr.write(`hookdev: internal error in the UI: ${err.message}\n${err.stack ?? ''}\n`);
    process.exit(1);
  };

  // Ink's first frame replaces the hand-drawn one: from the top-left corner, on a cleared screen, in one write burst.
  term.clear();
  const ink = render(createElement(App, { controller, onSuspendCommitted }), {
    stdin,
    stdout,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 60,
    onRender: (m) => void (lastRender = m.renderTime),
  });
  stdout.on('resize', onResize);
  process.on('uncaughtException', onError);

  // Other writers (another process, or this one's pipeline): a cheap look at the newest id and data_version.
  timers.push(setInterval(() => controller.tick(), o.pollMs ?? (o.events ? 1000 : 250)));
  setColour(colourWanted(stdout, env));
  if (o.events) {
    let pending: NodeJS.Timeout | null = null;
    let cost = 0;
    lastRender = 0;
    unsubscribe = o.events.subscribe((e: PipelineEvent) => {
      controller.onEvent(e);
      // Batched: one read of the history and one render per batch, however many requests arrive meanwhile; under
      // load the batches grow (at least 10x what the last one cost), so capture keeps the core.
      if ((e.type === 'request' || e.type === 'delivery') && !pending) {
        pending = setTimeout(() => {
          const t = performance.now();
          controller.tick();
          cost = performance.now() - t;
          pending = null;
        }, Math.max(100, (cost + lastRender) * 10));
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
