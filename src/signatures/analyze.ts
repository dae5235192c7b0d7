import { maskSecret } from '../core/secrets.js';
import type { Verdict } from '../core/types.js';
import { diagnose } from './diagnose.js';
import { assertSecrets } from './lib/result.js';
import { canonicalName, detectProvider, getProvider, providerNames, recognizeProvider, secretNames } from './registry.js';
import type { AnalyzeInput, EventInfo, Provider, VerifyResult } from './types.js';

/** `HOOKDEV_SECRET_STANDARD_WEBHOOKS` for `standard-webhooks`. */
export function secretEnvName(provider: string): string {
  return `HOOKDEV_SECRET_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The configured secrets for a provider, whatever case/alias they were filed under; plus the keys used. */
export function secretsFor(provider: Provider, secrets: Record<string, string[]>): { secrets: string[]; keys: string[] } {
  const names = [...secretNames(provider), '*'];
  const keys = Object.keys(secrets).filter((k) => names.includes(canonicalName(k)));
  // Most specific first: the provider's own name, then aliases / the shared `generic` entry, then `*`.
  keys.sort((a, b) => names.indexOf(canonicalName(a)) - names.indexOf(canonicalName(b)));
  return { secrets: [...new Set(keys.flatMap((k) => secrets[k] ?? []))], keys };
}

function eventInfoOf(provider: Provider, input: AnalyzeInput): EventInfo {
  try {
    return provider.eventInfo(input.headers, input.body);
  } catch {
    return { eventType: null, eventId: null };
  }
}

/**
 * The request-level verdict: which provider (forced or detected), its event type/id, and whether the
 * signature holds with the configured secrets. Never throws on anything a sender controls; throws a TypeError
 * only for our own misuse (an empty secret string).
 */
export function analyze(input: AnalyzeInput): Verdict {
  const generic = input.generic ?? [];
  let provider: Provider | null;
  let signed = true;
  if (input.provider) {
    provider = getProvider(input.provider, generic) ?? null;
    if (!provider) {
      const known = [...providerNames, ...generic.map((g) => g.name)].join(', ');
      return {
        provider: input.provider, eventType: null, eventId: null, status: 'invalid', code: 'unknown_provider',
        reason: `unknown provider "${input.provider}" (known: ${known})`, diagnosis: null, warnings: [],
      };
    }
  } else {
    provider = detectProvider(input.headers, generic);
    if (!provider) {
      provider = recognizeProvider(input.headers);
      signed = false;
    }
  }
  if (!provider) {
    return { provider: null, eventType: null, eventId: null, status: 'unsigned', code: null, reason: 'no known signature headers', diagnosis: null, warnings: [] };
  }

  const base = { provider: provider.name, ...eventInfoOf(provider, input) };
  const { secrets, keys } = secretsFor(provider, input.secrets);
  if (!signed && secrets.length === 0) {
    return { ...base, status: 'unsigned', code: null, reason: `looks like ${provider.name} but carries no signature header (the sender has no secret configured)`, diagnosis: null, warnings: [] };
  }
  if (secrets.length === 0) {
    const name = provider.name;
    return {
      ...base, status: 'no-secret', code: null, diagnosis: null, warnings: [],
      reason: `no secret configured for ${name}: pass --secret ${name}=… or set ${secretEnvName(name)}`,
    };
  }
  assertSecrets(provider.name, secrets);

  const verifyInput = { body: input.body, headers: input.headers, url: input.url, method: input.method, secrets, now: input.now, tolerance: input.tolerance };
  let result: VerifyResult;
  try {
    result = provider.verify(verifyInput);
  } catch (err) {
    // A bug of ours must not take the pipeline down with it; say so plainly.
    result = { ok: false, code: 'malformed_header', reason: `verification failed unexpectedly: ${(err as Error)?.message ?? String(err)}`, warnings: [] };
  }
  if (result.ok) {
    const which = secrets.length > 1 ? ` (secret #${result.secretIndex + 1}, ${maskSecret(secrets[result.secretIndex]!)})` : '';
    return { ...base, status: 'valid', code: null, reason: `valid ${provider.name} signature${which}`, diagnosis: null, warnings: result.warnings };
  }
  const diagnosis =
    result.code === 'no_match' ? diagnose({ provider, input: verifyInput, allSecrets: input.secrets, ownKeys: keys }) : null;
  return { ...base, status: 'invalid', code: result.code, reason: result.reason, diagnosis, warnings: result.warnings };
}
