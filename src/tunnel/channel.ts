/** Channel names: the first path segment of the public URL, so keep them URL-safe and boring. */
export const CHANNEL_PATTERN = /^[a-z0-9-]{3,64}$/;

/** Names that collide with the relay's own routes. */
const RESERVED = new Set(['healthz', 'metrics']);

/** Why a channel name is unacceptable, or null when it is fine. */
export function channelProblem(name: string): string | null {
  if (!CHANNEL_PATTERN.test(name)) return `channel "${name.slice(0, 80)}" must match [a-z0-9-]{3,64}`;
  if (RESERVED.has(name)) return `channel "${name}" is reserved`;
  return null;
}
