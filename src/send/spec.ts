/**
 * From what the user named (provider, event or body, overrides, secret) to a SendSpec, for `send` and `audit`.
 * Every mistake is a UsageError naming the flag.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { HeaderList } from '../core/types.js';
import { DISCORD_SIGNING_HINT, maskSecret, secretEnvName } from '../core/secrets.js';
import { DEFAULT_GENERIC, getProvider, providerNames, secretsFor } from '../signatures/index.js';
import type { GenericDefinition, Provider } from '../signatures/types.js';
import { applyOverride, type SetOverride } from './json-edit.js';
import type { SendSpec } from './message.js';
import { builtinProfile, genericProfile, type SendProfile } from './profiles.js';
import type { SampleEvent } from './samples.js';
import { fileProblem } from '../core/file-error.js';

export interface SpecInput {
  provider: string | undefined;
  /** `--secret` as given (the raw secret). */
  secret: string | undefined;
  /** Secrets from the environment and the config file, by provider id. */
  configured: Record<string, string[]>;
  to: string;
  event?: string;
  body?: string;
  bodyFile?: string;
  overrides: SetOverride[];
  headers: HeaderList;
  generic: GenericDefinition[];
}

export interface ResolvedProvider {
  provider: Provider;
  profile: SendProfile;
}

/** The signing provider and its sending profile; generic schemes from the config included. */
export function resolveProvider(name: string | undefined, generic: GenericDefinition[]): ResolvedProvider {
  if (!name) throw new UsageError('--provider is required', `one of: ${knownProviders(generic).join(', ')}`);
  const provider = getProvider(name, generic);
  if (!provider) throw new UsageError(`unknown provider "${name}" for --provider`, `one of: ${knownProviders(generic).join(', ')}`);
  const profile =
    builtinProfile(provider.name) ??
    genericProfile(generic.find((d) => d.name === provider.name) ?? (provider.name === 'generic' ? (generic[0] ?? DEFAULT_GENERIC) : DEFAULT_GENERIC));
  return { provider, profile };
}

export function knownProviders(generic: GenericDefinition[]): string[] {
  return [...new Set([...providerNames, ...generic.map((g) => g.name)])];
}

function pickSample(profile: SendProfile, event: string | undefined): SampleEvent {
  if (event === undefined) return profile.events[0]!;
  const found = profile.events.find((e) => e.type === event);
  if (!found) {
    throw new UsageError(`unknown --event "${event}" for ${profile.provider}`, `one of: ${profile.events.map((e) => e.type).join(', ')} (or give --body / --body-file)`);
  }
  return found;
}

/** A content type for a user's body: JSON when it parses, form when it looks like one, else octet-stream. */
function guessContentType(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
    return 'application/json';
  } catch {
    return /^[\w.%+-]+=[^&]*(&[\w.%+-]+=[^&]*)*$/.test(text.trim()) ? 'application/x-www-form-urlencoded' : 'application/octet-stream';
  }
}

export function resolveSecret(provider: Provider, flag: string | undefined, configured: Record<string, string[]>): string {
  if (flag !== undefined) {
    if (flag === '') throw new UsageError('--secret must not be empty');
    return flag;
  }
  // Discord's configured secret (HOOKDEV_SECRET_DISCORD, "secrets.discord") is the public key listen and verify check
  // with: signing with it would read a public key as a private seed and make signatures nobody can verify.
  if (provider.name === 'discord') throw new UsageError('--secret is required to sign discord events', DISCORD_SIGNING_HINT);
  const s = secretsFor(provider, configured).secrets[0];
  if (!s) throw new UsageError(`--secret is required to sign ${provider.name} events`, `or set ${secretEnvName(provider.name)} (or "secrets" in hookdev.config.json)`);
  return s;
}

export function resolveSpec(input: SpecInput): SendSpec {
  const { provider, profile } = resolveProvider(input.provider, input.generic);
  const sources = [input.event !== undefined, input.body !== undefined, input.bodyFile !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError('give one of --event, --body and --body-file');
  let sample: SampleEvent | null = null;
  let body: Buffer | null = null;
  if (input.body !== undefined) body = Buffer.from(input.body, 'utf8');
  else if (input.bodyFile !== undefined) {
    try {
      body = input.bodyFile === '-' ? readFileSync(0) : readFileSync(input.bodyFile);
    } catch (err) {
      throw new UsageError(`cannot read --body-file ${input.bodyFile}: ${fileProblem(err)}`);
    }
  } else sample = pickSample(profile, input.event);
  const contentType = sample?.contentType ?? guessContentType(body!);
  const secret = resolveSecret(provider, input.secret, input.configured);
  const spec: SendSpec = {
    provider,
    profile,
    sample,
    body,
    contentType: input.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? contentType,
    overrides: input.overrides,
    headers: input.headers,
    secret,
    url: input.to,
    method: 'POST',
  };
  // Check overrides and the secret's form now, once, instead of failing on every event.
  const probe = sample?.body ?? body!.toString('utf8');
  let text = probe;
  for (const o of input.overrides) text = applyOverride(text, spec.contentType, o);
  try {
    provider.sign({ body: Buffer.from(text), headers: [], url: spec.url, method: 'POST', secret, now: 0 });
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`--secret ${maskSecret(secret)}: ${err.message}`, err.hint);
    throw err;
  }
  return spec;
}
