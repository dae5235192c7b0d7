import { UsageError } from '../core/errors.js';
import { envValue } from './env.js';

export type SecretMap = Record<string, string[]>;

/** `stripe=whsec_…` → ['stripe', 'whsec_…']; the provider id is lowercased. */
export function parseSecretArg(arg: string): [string, string] {
  const i = arg.indexOf('=');
  if (i <= 0 || i === arg.length - 1) {
    throw new UsageError(`--secret expects PROVIDER=SECRET, got "${arg.slice(0, 20)}${arg.length > 20 ? '…' : ''}"`,
      'example: --secret stripe=whsec_...');
  }
  return [arg.slice(0, i).trim().toLowerCase(), arg.slice(i + 1)];
}

function add(map: SecretMap, provider: string, secret: string): void {
  const list = (map[provider] ??= []);
  if (!list.includes(secret)) list.push(secret);
}

export { secretEnvName } from '../core/secrets.js';

/**
 * Merge secrets from flags, environment and config file (flags first: the order is the order tried).
 * Env: `HOOKDEV_SECRET_<PROVIDER>`, several secrets separated by commas or spaces.
 */
export function collectSecrets(
  flags: string[],
  env: NodeJS.ProcessEnv,
  fromConfig: Record<string, string | string[]> = {},
): SecretMap {
  const map: SecretMap = {};
  for (const arg of flags) {
    const [p, s] = parseSecretArg(arg);
    add(map, p, s);
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith('HOOKDEV_SECRET_')) continue;
    const value = envValue(env, name);
    if (!value) continue;
    const provider = name.slice('HOOKDEV_SECRET_'.length).toLowerCase().replace(/_/g, '-');
    for (const s of value.split(/[\s,]+/).filter(Boolean)) add(map, provider, s);
  }
  for (const [p, v] of Object.entries(fromConfig)) {
    for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string' && s) add(map, p.toLowerCase(), s);
  }
  return map;
}
