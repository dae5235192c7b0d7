import { writeSync } from 'node:fs';

/**
 * Alternate screen on, cleared, cursor home and hidden, autowrap off (a line never spills onto the next), bracketed
 * paste on (a pasted newline or `q` is text for the filter line, not Enter or quit).
 */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H\x1b[?25l\x1b[?7l\x1b[?2004h';
/** Bracketed paste off, autowrap and cursor back, main screen back (xterm restores what was there before). */
export const LEAVE_SCREEN = '\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l';

export interface TtyIn {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  pause(): unknown;
  resume?(): unknown;
  readableLength?: number;
  read?(size?: number): unknown;
}

export interface TtyOut {
  write(s: string): unknown;
  fd?: number;
}

/**
 * The terminal while the UI owns it: alternate screen, hidden cursor, no autowrap, raw mode (the key reader's).
 * `restore()` is idempotent and runs on every exit path (quit, signal, uncaught error, process exit).
 */
export class TerminalScreen {
  private active = false;
  private readonly onExit = () => this.restore(true);

  constructor(private readonly stdin: TtyIn, private readonly stdout: TtyOut) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.stdout.write(ENTER_SCREEN);
    process.once('exit', this.onExit);
  }

  /** Leave the alternate screen and raw mode. `sync`: at process exit, when async writes would be lost. */
  restore(sync = false): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.onExit);
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode?.(false);
    } catch {
      // stdin already closed: nothing to restore there
    }
    if (sync && typeof this.stdout.fd === 'number') {
      try {
        writeSync(this.stdout.fd, LEAVE_SCREEN);
        return;
      } catch {
        // fall back to the stream
      }
    }
    this.stdout.write(LEAVE_SCREEN);
  }

  /**
   * Hand the terminal to another program (editor, pager): main screen, cooked mode; back afterwards. Meanwhile ctrl-c
   * and ctrl-\ are the program's: the terminal sends their signals to our whole process group, and they must not quit
   * the UI behind the program's back (git ignores them while its editor runs, for the same reason).
   */
  async handOff<T>(fn: () => Promise<T>): Promise<T> {
    // Stop reading, so every key goes to the program. Node stops the tty read on a 'pause' event, which pause()
    // emits only when the stream was not already non-flowing; a 'readable' reader leaves it non-flowing, hence resume() first
    // (no data listener is attached, and pause() follows in the same tick).
    await new Promise<void>((r) => setImmediate(r));
    this.stdin.resume?.();
    this.stdin.pause();
    this.stdout.write(LEAVE_SCREEN);
    const held = holdSignals(['SIGINT', 'SIGQUIT']);
    try {
      return await fn();
    } finally {
      held.release();
      // Closed meanwhile (SIGTERM, SIGHUP): the terminal stays as the program left it, with our modes off.
      if (this.active) this.stdout.write(ENTER_SCREEN);
      else this.stdout.write(LEAVE_SCREEN);
      // Whatever reached our buffer meanwhile was meant for the editor, not for us as actions.
      if (this.stdin.readableLength && this.stdin.read) this.stdin.read(this.stdin.readableLength);
    }
  }
}

/** Ignore these signals until `release()`: their listeners are set aside (once-listeners stay once) and put back. */
function holdSignals(signals: NodeJS.Signals[]): { release(): void } {
  const ignore = () => undefined;
  const saved = signals.map((sig) => {
    const listeners = process.rawListeners(sig) as Array<(...args: unknown[]) => void>;
    process.removeAllListeners(sig);
    // A listener of our own keeps Node from its default action (exit) for the signal.
    process.on(sig, ignore);
    return { sig, listeners };
  });
  return {
    release() {
      for (const { sig, listeners } of saved) {
        process.off(sig, ignore);
        for (const l of listeners) process.on(sig, l);
      }
    },
  };
}
