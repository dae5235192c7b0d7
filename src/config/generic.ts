import { ConfigError } from '../core/errors.js';
import type { GenericDefinition } from '../signatures/types.js';

const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const satisfies ReadonlyArray<GenericDefinition['algorithm']>;
const ENCODINGS = ['hex', 'base64'] as const satisfies ReadonlyArray<GenericDefinition['encoding']>;
const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** The config file's `generic` schemes, checked: a typo must fail at start-up, not on every request. */
export function parseGenericSchemes(raw: unknown, path = 'generic'): GenericDefinition[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${path}: expected a list of schemes`);
  return raw.map((item, i) => {
    const where = `${path}[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ConfigError(`${where}: expected an object`);
    const d = item as Record<string, unknown>;
    const str = (k: string): string | undefined => {
      const v = d[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new ConfigError(`${where}.${k}: expected a string, got ${JSON.stringify(v)}`);
      return v;
    };
    const name = str('name');
    if (!name || !NAME.test(name)) throw new ConfigError(`${where}.name: expected a lowercase id like "acme" (it becomes a provider id)`);
    const header = str('header');
    if (!header) throw new ConfigError(`${where}.header: required (the signature header's name)`);
    const algorithm = str('algorithm') ?? 'sha256';
    if (!isOneOf(algorithm, ALGORITHMS)) throw new ConfigError(`${where}.algorithm: expected one of ${ALGORITHMS.join(', ')}`);
    const encoding = str('encoding') ?? 'hex';
    if (!isOneOf(encoding, ENCODINGS)) throw new ConfigError(`${where}.encoding: expected hex or base64`);
    const template = str('template');
    const timestampHeader = str('timestampHeader');
    if (template?.includes('{timestamp}') && !timestampHeader) {
      throw new ConfigError(`${where}.timestampHeader: required, because the template uses {timestamp}`);
    }
    const tolerance = d.toleranceSeconds;
    if (tolerance !== undefined && (typeof tolerance !== 'number' || !(tolerance >= 0))) {
      throw new ConfigError(`${where}.toleranceSeconds: expected a number of seconds, 0 or more`);
    }
    return {
      name,
      header,
      algorithm,
      encoding,
      prefix: str('prefix'),
      template,
      timestampHeader,
      toleranceSeconds: tolerance,
      eventTypeHeader: str('eventTypeHeader'),
      eventIdHeader: str('eventIdHeader'),
    };
  });
}

function isOneOf<T extends string>(v: string, allowed: readonly T[]): v is T {
  return (allowed as readonly string[]).includes(v);
}
