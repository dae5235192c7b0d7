/**
 * Everything the relay reports, as one typed union (NDJSON on the relay's stdout: the `event` field names the kind).
 * Emitted by relay-server, relay-hub, relay-session, relay-ingress and the stores; never carries a token.
 */
export type RelayEvent =
  | { event: 'listening'; url: string; connect: string; port: number; store: string; instance: string }
  | { event: 'client-connected'; channel: string; remoteAddr: string; epoch: number }
  | { event: 'client-disconnected'; channel: string }
  | { event: 'client-terminated'; channel: string; reason: string }
  | { event: 'client-error'; channel: string; error: string }
  | { event: 'bad-frame'; channel: string; error: string }
  | { event: 'auth-failed'; remoteAddr: string; reason: 'missing token' | 'wrong token'; where: 'connect' | 'metrics' }
  | { event: 'request'; channel: string; method: string; path: string; status: number; outcome: string; ms: number }
  /** The same client moved here from another instance (or reconnected here) and took its channel over. */
  | { event: 'lease-takeover'; channel: string; from: string }
  /** This instance no longer holds the channel (taken over, or expired while the store was unreachable). */
  | { event: 'lease-lost'; channel: string; reason: string }
  /** A second client asked for a held channel; the holder was pinged. */
  | { event: 'holder-check'; channel: string; alive: boolean }
  | { event: 'store-unavailable'; detail: string }
  | { event: 'store-available'; detail: string }
  | { event: 'warning'; message: string }
  | { event: 'error'; where: string; error: string }
  | { event: 'stopping' }
  | { event: 'closed' };

export type RelayLog = (event: RelayEvent) => void;
