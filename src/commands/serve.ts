import { OperationError, UsageError } from '../core/errors.js';

/** Why binding --host failed, by error code (getaddrinfo for names, bind for addresses): the user's flag to fix. */
const HOST_ERRORS: Record<string, string> = {
  ENOTFOUND: 'no such host or address',
  EAI_AGAIN: 'the name could not be resolved',
  EAI_FAIL: 'the name could not be resolved',
  EAI_NONAME: 'no such host or address',
  EADDRNOTAVAIL: 'not an address of this machine',
  EAFNOSUPPORT: 'address family not supported here',
  EINVAL: 'not a usable address',
};

/**
 * A server that could not bind, said in one line (the port is taken, or too low for this user); null for any
 * other failure, which the caller rethrows. Shared by `listen` and `relay`.
 */
export function bindFailure(err: unknown, at: { port: number; host: string }, lowPortHint = 'use a port above 1023'): OperationError | UsageError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const hostProblem = code ? HOST_ERRORS[code] : undefined;
  if (hostProblem) {
    return new UsageError(`--host ${at.host}: ${hostProblem}`, 'use an address of this machine, e.g. --host 127.0.0.1 (or 0.0.0.0 for every interface)');
  }
  if (code === 'EADDRINUSE') {
    return new OperationError(`port ${at.port} on ${at.host} is already in use`,
      'stop the other process or pick another port: --port 4748 (or --port 0 for any free port)');
  }
  if (code === 'EACCES') return new OperationError(`not allowed to listen on port ${at.port}`, lowPortHint);
  return null;
}

export interface Stopper {
  /** Settles once a stop ran to its end (after SIGINT/SIGTERM, or stop()). */
  stopped: Promise<void>;
  /** Stop now, as a signal would (e.g. the relay refused us). */
  stop(): void;
  /** Stop listening for the signals (start-up failed: the error is reported instead). */
  dispose(): void;
}

/**
 * Run `shutdown` on the first SIGINT or SIGTERM (or stop()); a second signal while it runs exits at once (130),
 * for a user pressing Ctrl-C again on a shutdown that hangs.
 */
export function stopOnSignals(shutdown: () => Promise<void>): Stopper {
  let stopping = false;
  let resolve!: () => void;
  const stopped = new Promise<void>((r) => (resolve = r));
  const stop = (): void => {
    if (stopping) return void process.exit(130);
    stopping = true;
    void shutdown().finally(resolve);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const dispose = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  return { stopped, stop, dispose };
}
