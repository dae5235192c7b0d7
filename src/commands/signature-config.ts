import { UsageError } from '../core/errors.js';
import { maskSecret, secretEnvName } from '../core/secrets.js';
import type { SecretMap } from '../config/secrets.js';
import type { GenericDefinition } from '../signatures/types.js';

/** Where the secrets came from, to name the flag, variable or config key that holds a bad one. */
export interface SecretSources {
  flags: string[];
  env: NodeJS.ProcessEnv;
  config: Record<string, unknown>;
}

/** The flag, variable or config key a provider's secrets were given by (the first that has one). */
function whereGiven(provider: string, sources: SecretSources): string {
  const flag = sources.flags.find((f) => f.slice(0, f.indexOf('=')).trim().toLowerCase() === provider);
  if (flag !== undefined) return `--secret ${provider}=…`;
  const env = Object.keys(sources.env).find((n) => n.startsWith('HOOKDEV_SECRET_') && n.slice(15).toLowerCase().replace(/_/g, '-') === provider);
  if (env) return env;
  return `"secrets.${provider}" in hookdev.config.json`;
}

/**
 * `listen` checks its signature settings once, at start-up, as `verify` does: an unknown `--provider`, a secret
 * filed under a provider that does not exist, or a secret in a form that can never verify (`whsec_!!!`, a Discord
 * key that is not 64 hex characters, such as a 128-hex secret key) is one line and exit 2, instead of an "invalid"
 * verdict on every request.
 */
export async function checkSignatureConfig(
  opts: { provider?: string; secrets: SecretMap; generic: GenericDefinition[] },
  sources: SecretSources,
): Promise<void> {
  const sig = await import('../signatures/index.js');
  const known = (): string => [...sig.providerNames, ...opts.generic.map((g) => g.name)].join(', ');
  if (opts.provider !== undefined && !sig.getProvider(opts.provider, opts.generic)) {
    throw new UsageError(`--provider: unknown provider "${opts.provider}"`, `known: ${known()}`);
  }
  for (const [name, secrets] of Object.entries(opts.secrets)) {
    if (name === '*') continue;
    const provider = sig.getProvider(name, opts.generic);
    if (!provider) {
      throw new UsageError(`${whereGiven(name, sources)}: unknown provider "${name}"`, `known: ${known()} (variables: ${secretEnvName('stripe')} and so on)`);
    }
    for (const s of secrets) {
      const problem = provider.secretProblem?.(s);
      if (problem) throw new UsageError(`${whereGiven(name, sources)}: ${problem}`, `the secret ending ${maskSecret(s).slice(-4)} cannot verify any ${provider.name} signature`);
    }
  }
}
