/** How an exchange with the app went wrong; decides retry, queueing and the passthrough answer. */
export type FailureKind =
  /** Nothing listens (connection refused, DNS, connect timeout): the app is down or restarting; worth waiting for. */
  | 'unreachable'
  /** The app took longer than the total timeout: 504; never resent (it may have acted on it). */
  | 'timeout'
  /** A kept-alive connection the app had already closed (reset before any answer): safe to resend once. */
  | 'stale'
  /** Anything else after the connection was made. */
  | 'failed';

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
};

const STALE = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export interface Classified {
  kind: FailureKind;
  /** Short and human: what goes into the delivery's `error`. */
  message: string;
}

/** Classify by error code (never by message text). `answered`: the app had sent a status line already. */
export function classifyError(err: unknown, answered: boolean): Classified {
  const code = (err as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : '';
  if (c in UNREACHABLE) return { kind: 'unreachable', message: UNREACHABLE[c]! };
  if (c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT') return { kind: 'timeout', message: 'timed out' };
  if (STALE.has(c) && !answered) return { kind: 'stale', message: 'connection closed by the app before it answered' };
  const msg = (err as Error | null)?.message ?? String(err);
  return { kind: 'failed', message: c ? `${c}: ${msg}` : msg };
}
