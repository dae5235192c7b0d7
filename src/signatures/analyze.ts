import { maskSecret, secretEnvName } from '../core/secrets.js';
import type { Verdict } from '../core/types.js';
import { diagnose } from './diagnose.js';
import { assertSecrets } from './lib/result.js';
import { canonicalName, detectProvider, getProvider, providerNames, recognizeProvider, secretNames } from './registry.js';
import type { AnalyzeInput, EventInfo, GenericDefinition, Provider, VerifyResult } from './types.js';

export { secretEnvName };

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

type Base = Pick<Verdict, 'provider' | 'eventType' | 'eventId'>;

function verdict(base: Base, status: Verdict['status'], reason: string, more?: Partial<Verdict>): Verdict {
  // Built field by field: a spread of `more` here was the slowest step of analyzing an unsigned request.
  const v: Verdict = {
    provider: base.provider,
    eventType: base.eventType,
    eventId: base.eventId,
    status,
    reason,
    code: null,
    diagnosis: null,
    warnings: [],
  };
  return more ? Object.assign(v, more) : v;
}

/** Forced by name, else detected by signature headers, else recognized (a sender without a secret). */
function pickProvider(input: AnalyzeInput, generic: GenericDefinition[]): { provider: Provider | null; signed: boolean } {
  if (input.provider) return { provider: getProvider(input.provider, generic) ?? null, signed: true };
  const detected = detectProvider(input.headers, generic);
  if (detected) return { provider: detected, signed: true };
  return { provider: recognizeProvider(input.headers), signed: false };
}

/**
 * The request-level verdict: which provider (forced or detected), its event type/id, and whether the
 * signature holds with the configured secrets. Never throws on anything a sender controls; throws a TypeError
 * only for our own misuse (an empty secret string).
 */
export function analyze(input: AnalyzeInput): Verdict {
  const generic = input.generic ?? [];
  const { provider, signed } = pickProvider(input, generic);
  if (!provider) {
    const none: Base = { provider: input.provider ?? null, eventType: null, eventId: null };
    if (!input.provider) return verdict(none, 'unsigned', 'no known signature headers');
    const known = [...providerNames, ...generic.map((g) => g.name)].join(', ');
    return verdict(none, 'invalid', `unknown provider "${input.provider}" (known: ${known})`, { code: 'unknown_provider' });
  }

  const name = provider.name;
  const base: Base = { provider: name, ...eventInfoOf(provider, input) };
  const { secrets, keys } = secretsFor(provider, input.secrets);
  if (!signed && secrets.length === 0) {
    return verdict(base, 'unsigned', `looks like ${name} but carries no signature header (the sender has no secret configured)`);
  }
  if (secrets.length === 0) {
    return verdict(base, 'no-secret', `no secret configured for ${name}: pass --secret ${name}=… or set ${secretEnvName(name)}`);
  }
  assertSecrets(name, secrets);

  const { body, headers, url, method, now, tolerance } = input;
  const verifyInput = { body, headers, url, method, secrets, now, tolerance };
  let result: VerifyResult;
  try {
    result = provider.verify(verifyInput);
  } catch (err) {
    // A bug of ours must not take the pipeline down with it; say so plainly.
    const message = err instanceof Error ? err.message : String(err);
    result = { ok: false, code: 'malformed_header', reason: `verification failed unexpectedly: ${message}`, warnings: [] };
  }
  if (result.ok) {
    const i = result.secretIndex;
    const which = secrets.length > 1 ? ` (secret #${i + 1}, ${maskSecret(secrets[i]!)})` : '';
    return verdict(base, 'valid', `valid ${name} signature${which}`, { warnings: result.warnings, secretHint: maskSecret(secrets[i]!) });
  }
  const diagnosis =
    result.code === 'no_match' ? diagnose({ provider, input: verifyInput, allSecrets: input.secrets, ownKeys: keys }) : null;
  return verdict(base, 'invalid', result.reason, { code: result.code, diagnosis, warnings: result.warnings });
}
