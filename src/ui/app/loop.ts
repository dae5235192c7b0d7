import type { PipelineEvent } from '../../core/events.js';
import { colourWanted, setColour } from './ansi.js';
import { KeyReader } from './keys.js';
import { screenLines } from './screen-lines.js';
import type { PreparedUi, RunningUi } from './start.js';

/** After ctrl-z, how long the UI waits for a stop that does not come (no job control) before it takes the screen back. */
const NO_STOP_MS = 300;

export interface LiveLoop extends RunningUi {
  /** Give the terminal to another program ($EDITOR, $PAGER): no frames, no key reading meanwhile; back afterwards. */
  handOff<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * The live loop: keys from the terminal to the controller, each change of the controller's snapshot drawn by the frame
 * writer (the changed lines only). Every exit path puts the terminal back as it was.
 */
export function startLoop({ o, stdin, stdout, env, controller, term, writer }: PreparedUi): LiveLoop {
  const reader = new KeyReader(stdin, (p) => {
    // ctrl-l redraws the whole screen (something else wrote to the terminal), as in less, vim and shells.
    if (p.key.ctrl && p.input === 'l') {
      writer.invalidate();
      return schedulePaint();
    }
    if (p.key.ctrl && p.input === 'z') return void suspendToShell();
    controller.key(p.input, p.key);
  });
  const handOff = async <T,>(fn: () => Promise<T>): Promise<T> => {
    // No frames and no key reading while the program owns the terminal; keys typed meanwhile are its own.
    controller.setSuspended(true);
    reader.stop();
    try {
      return await term.handOff(fn);
    } finally {
      writer.invalidate(); // the screen was cleared on the way back
      reader.start();
      controller.setSuspended(false);
      controller.setStatus({ text: 'back', tone: 'info' });
    }
  };

  /**
   * ctrl-z: what the terminal does with it in cooked mode, which raw mode turns off. The screen is given back and the
   * whole process group stopped (npx's parent too, or the shell would wait on a job that never stops); `fg` resumes
   * and redraws. Without job control (a process group no shell watches) the kernel drops the stop: the UI says so.
   */
  const suspendToShell = async (): Promise<void> => {
    let continued = false;
    await handOff(
      () =>
        new Promise<void>((resolve) => {
          const onCont = () => {
            continued = true;
            clearTimeout(timer);
            resolve();
          };
          // Stopped, this timer fires only after the resume (possibly before the SIGCONT listener): late, it means
          // a stop happened; on time, that no stop came.
          const t0 = performance.now();
          const timer = setTimeout(() => {
            process.off('SIGCONT', onCont);
            continued = performance.now() - t0 > NO_STOP_MS + 1000;
            resolve();
          }, NO_STOP_MS);
          process.once('SIGCONT', onCont);
          try {
            process.kill(0, 'SIGTSTP');
          } catch {
            // not permitted: the timer ends the wait
          }
        }),
    );
    if (!continued) controller.setStatus({ text: 'ctrl-z: no shell job control here, nothing to return to (q quits)', tone: 'info' });
  };

  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const timers: NodeJS.Timeout[] = [];
  /** The last frame's cost: live batches are spaced by what a frame costs. */
  let lastRender = 0;
  let unsubscribe: (() => void) | null = null;
  let unsubscribeFrames: (() => void) | null = null;
  let framePending = false;
  const paint = () => {
    framePending = false;
    const snap = controller.getSnapshot();
    if (finished || snap.suspended || snap.quit) return;
    const t = performance.now();
    const detail = snap.view === 'detail' ? controller.detailContent() : [];
    writer.draw(screenLines(snap, detail, Date.now()), Math.max(20, snap.cols));
    lastRender = performance.now() - t;
  };
  // A key's changes (often several sets in one handler) become one frame, drawn as soon as the handler returns.
  const schedulePaint = () => {
    if (framePending) return;
    framePending = true;
    queueMicrotask(paint);
  };
  const onResize = () => {
    writer.invalidate();
    controller.resize(stdout.columns || 80, stdout.rows || 24);
    schedulePaint();
  };
  const onError = (err: Error) => {
    close();
    // The history failing under us (the file truncated, corrupted, its disk gone) is an operational failure: one line.
    // Anything else is our bug, with its stack.
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) process.stderr.write(`hookdev: the history cannot be read any more: ${err.message} (${code})\n`);
    else process.stderr.write(`hookdev: internal error in the UI: ${err.message}\n${err.stack ?? ''}\n`);
    process.exit(1);
  };

  unsubscribeFrames = controller.subscribe(schedulePaint);
  reader.start();
  stdout.on('resize', onResize);
  // The size may have changed since the first frame.
  onResize();
  process.on('uncaughtException', onError);

  // Other writers (another process, or this one's pipeline): a cheap look at the newest id and data_version.
  timers.push(setInterval(() => controller.tick(), o.pollMs ?? (o.events ? 1000 : 250)));
  // Ages in the header (tunnel, last delivery, probe) move with the clock: a frame a second redraws that line only.
  if (o.events) timers.push(setInterval(schedulePaint, 1000));
  setColour(colourWanted(stdout, env));
  let pending: NodeJS.Timeout | null = null;
  if (o.events) {
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
    unsubscribeFrames?.();
    if (pending) clearTimeout(pending);
    stdout.off('resize', onResize);
    process.off('uncaughtException', onError);
    try {
      reader.stop();
    } finally {
      term.restore();
      // Stop the tty read, so the process can end: Node stops it on a 'pause' event, which pause() emits only for a
      // flowing stream (a 'readable' listener left it non-flowing), hence resume() first; unref for good measure.
      stdin.resume();
      stdin.pause();
      stdin.unref?.();
      resolveDone();
    }
  }
  controller.onQuit = close;
  return { done, close, handOff };
}
