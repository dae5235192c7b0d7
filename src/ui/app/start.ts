import type { SecretMap } from '../../config/secrets.js';
import type { EventHub } from '../../core/events.js';
import type { GenericDefinition } from '../../signatures/types.js';
import { Browser } from '../../store/browse.js';
import type { Store } from '../../store/index.js';
import { Controller } from './controller.js';
import { colourWanted, setColour } from './ansi.js';
import { FrameWriter } from './frame-writer.js';
import { startLoop } from './loop.js';
import { screenLines } from './screen-lines.js';
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
  /** The local URL when it is known before the UI starts (listen: its `listening` event came first). */
  localUrl?: string;
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

/** What the live loop works with: the history window, the terminal state, the frame writer. */
export interface PreparedUi {
  o: RunUiOptions;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  browser: Browser;
  controller: Controller;
  term: TerminalScreen;
  /** Draws every frame, the first one included. */
  writer: FrameWriter;
}

/**
 * Full screen at once: alternate screen, first window read, first frame drawn, keys read; then the actions (replay,
 * export, $EDITOR: ~100 ms of imports) are loaded while navigation already works.
 */
export async function startUi(o: RunUiOptions): Promise<RunningUi> {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const env = o.env ?? { ...process.env };
  const term = new TerminalScreen(stdin, stdout);
  const browser = new Browser(o.store.db);
  const controller = new Controller({
    browser,
    source: o.source,
    live: o.events ? { targets: o.targets, relay: Boolean(o.relay), localUrl: o.localUrl } : null,
    cols: stdout.columns || 80,
    rows: stdout.rows || 24,
  });
  term.enter();
  // Raw mode now, so keys typed before the reader listens are neither echoed nor lost.
  if (stdin.isTTY) stdin.setRawMode(true);
  controller.start();
  setColour(colourWanted(stdout, env));
  const writer = new FrameWriter(stdout);
  const snap = controller.getSnapshot();
  writer.draw(screenLines(snap, [], Date.now()), Math.max(20, snap.cols));
  const prepared: PreparedUi = { o, stdin, stdout, env, browser, controller, term, writer };
  const loop = startLoop(prepared);
  try {
    const { attachActions } = await import('./run.js');
    attachActions(prepared, loop);
  } catch (err) {
    loop.close();
    throw err;
  }
  return { done: loop.done, close: loop.close };
}
