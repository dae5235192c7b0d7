/** Limits on by default: a dev tool still faces the internet through a tunnel. */
export interface CaptureLimits {
  /** Largest body kept (GitHub's cap is 25 MB). Larger → 413, logged as a rejected row without body. */
  maxBody: number;
  /** Largest request head (node:http's maxHeaderSize). */
  maxHeaderSize: number;
  /** A client must send its headers within this time. */
  headersTimeoutMs: number;
  /** A client must finish its whole request within this time. */
  requestTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this time. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: CaptureLimits = {
  maxBody: 25 * 1024 * 1024,
  maxHeaderSize: 64 * 1024,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
};
