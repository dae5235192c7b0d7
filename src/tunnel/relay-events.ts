/**
 * Everything the relay reports, as one typed union (NDJSON on the relay's stdout: the `event` field names the kind).
 * Emitted by relay-server, relay-hub, relay-session, relay-ingress and the stores; never carries a token, and never
 * a channel name: `channel` is the channel's tag (channel-tag.ts), since a name is the secret part of a public URL.
 */
import type { ChannelTag } from './channel-tag.js';

export type RelayEvent =
  | { event: 'listening'; url: string; connect: string; port: number; store: string; instance: string }
  | { event: 'client-connected'; channel: ChannelTag; remoteAddr: string; epoch: number }
  | { event: 'client-disconnected'; channel: ChannelTag }
  | { event: 'client-terminated'; channel: ChannelTag; reason: string }
  | { event: 'client-error'; channel: ChannelTag; error: string }
  | { event: 'bad-frame'; channel: ChannelTag; error: string }
  | { event: 'auth-failed'; remoteAddr: string; reason: 'missing token' | 'wrong token'; where: 'connect' | 'metrics' }
  /** `path`: what followed `/<channel>` in the public URL, without the query. */
  | { event: 'request'; channel: ChannelTag; method: string; path: string; status: number; outcome: string; ms: number }
  /** The same client moved here from another instance (or reconnected here) and took its channel over. */
  | { event: 'lease-takeover'; channel: ChannelTag; from: string }
  /** This instance no longer holds the channel (taken over, or expired while the store was unreachable). */
  | { event: 'lease-lost'; channel: ChannelTag; reason: string }
  /** A second client asked for a held channel; the holder was pinged. */
  | { event: 'holder-check'; channel: ChannelTag; alive: boolean }
  | { event: 'store-unavailable'; detail: string }
  | { event: 'store-available'; detail: string }
  | { event: 'warning'; message: string }
  | { event: 'error'; where: string; error: string }
  | { event: 'stopping' }
  | { event: 'closed' };

export type RelayLog = (event: RelayEvent) => void;
