import { getHeader } from './headers.js';
import type { IncomingWebhook } from './types.js';

/**
 * The full URL the sender most likely used: Twilio and Square sign it. Shared by the listener (verifying as
 * requests arrive) and `verify` (checking a capture later), which must not load the listener for it.
 */
export function senderUrl(incoming: Pick<IncomingWebhook, 'headers' | 'source' | 'url' | 'publicUrl'>): string {
  // Through the relay: the URL the sender used, as the relay saw it (with the `/<channel>` prefix).
  if (incoming.publicUrl) return incoming.publicUrl;
  const host = getHeader(incoming.headers, 'x-forwarded-host') ?? getHeader(incoming.headers, 'host') ?? 'localhost';
  const proto = getHeader(incoming.headers, 'x-forwarded-proto') ?? (incoming.source === 'relay' ? 'https' : 'http');
  return `${proto.split(',')[0]!.trim()}://${host}${incoming.url}`;
}
