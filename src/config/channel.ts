import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelProblem } from '../tunnel/channel.js';
import { userConfigDir } from './paths.js';

/** An unguessable channel name (about 100 bits), URL-safe: the public URL is the only secret it guards. */
export function randomChannel(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(20);
  let out = 'hd-';
  for (const b of bytes) out += alphabet[b & 31];
  return out;
}

/**
 * The default relay channel: generated once and kept in the user config dir, so the public URL registered
 * at a provider stays the same across restarts and reconnects.
 */
export function defaultChannel(env: NodeJS.ProcessEnv = process.env): string {
  const file = join(userConfigDir(env), 'channel');
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (channelProblem(saved) === null) return saved;
  } catch {
    // first run: create it below
  }
  const channel = randomChannel();
  try {
    mkdirSync(userConfigDir(env), { recursive: true });
    writeFileSync(file, channel + '\n', { mode: 0o600 });
  } catch {
    // A read-only home still gets a working (if not stable) channel.
  }
  return channel;
}
