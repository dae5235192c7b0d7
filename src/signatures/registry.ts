import type { HeaderList } from '../core/types.js';
import { discord } from './providers/discord.js';
import { generic, genericProvider } from './providers/generic.js';
import { github } from './providers/github.js';
import { gitlab } from './providers/gitlab.js';
import { intercom } from './providers/intercom.js';
import { linear } from './providers/linear.js';
import { paddle } from './providers/paddle.js';
import { shopify } from './providers/shopify.js';
import { slack } from './providers/slack.js';
import { square } from './providers/square.js';
import { standardWebhooks } from './providers/standard-webhooks.js';
import { stripe } from './providers/stripe.js';
import { svix } from './providers/svix.js';
import { twilio } from './providers/twilio.js';
import { typeform } from './providers/typeform.js';
import { zoom } from './providers/zoom.js';
import type { GenericDefinition, Provider } from './types.js';

const BUILTIN: readonly Provider[] = [
  stripe, github, standardWebhooks, svix, slack, twilio, shopify, paddle, linear, square, zoom, discord, typeform,
  intercom, gitlab, generic,
];

/** Built-in provider ids, as used in `--provider`, `--secret NAME=…` and `HOOKDEV_SECRET_NAME`. */
export const providerNames: readonly string[] = BUILTIN.map((p) => p.name);

const ALIASES: Record<string, string> = { standard: 'standard-webhooks', standardwebhooks: 'standard-webhooks' };

/** `Standard_Webhooks` → `standard-webhooks`; aliases resolved. */
export function canonicalName(name: string): string {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  return ALIASES[n] ?? n;
}

/** Every name a provider's secrets may be filed under (its id, its aliases; generic schemes also `generic`). */
export function secretNames(provider: Provider): string[] {
  const name = canonicalName(provider.name);
  const names = [name, ...Object.keys(ALIASES).filter((a) => ALIASES[a] === name)];
  if (!BUILTIN.some((p) => p.name === name)) names.push('generic');
  return names;
}

/**
 * A provider by id or alias. `generic` is the definition named `generic`, else the first definition, else the
 * default scheme (X-Signature, hex HMAC-SHA256); each definition is also reachable by its own name.
 */
export function getProvider(name: string, generic: readonly GenericDefinition[] = []): Provider | undefined {
  const n = canonicalName(name);
  const builtin = BUILTIN.find((p) => p.name === n);
  if (builtin && n !== 'generic') return builtin;
  const def = generic.find((d) => canonicalName(d.name) === n) ?? (n === 'generic' ? generic[0] : undefined);
  if (def) return genericProvider(def);
  return builtin;
}

// Most specific first: svix-* before webhook-* (svix senders may send both), GitHub before Intercom
// (they share X-Hub-Signature; github.detect leaves it to Intercom when the User-Agent says so).
const DETECT_ORDER: readonly Provider[] = [
  svix, standardWebhooks, stripe, github, slack, twilio, shopify, paddle, linear, square, zoom, discord, typeform,
  gitlab, intercom,
];

/**
 * The provider whose signature headers the request carries, or null. User-defined generic schemes come first
 * (explicit configuration beats guessing); the default generic scheme is never guessed.
 */
export function detectProvider(headers: HeaderList, generic: readonly GenericDefinition[] = []): Provider | null {
  for (const def of generic) {
    const p = genericProvider(def);
    if (p.detect(headers)) return p;
  }
  return DETECT_ORDER.find((p) => p.detect(headers)) ?? null;
}

/** A provider the request looks like although it carries no signature header (e.g. `X-GitHub-Event` alone). */
export function recognizeProvider(headers: HeaderList): Provider | null {
  return DETECT_ORDER.find((p) => p.recognize?.(headers)) ?? null;
}
