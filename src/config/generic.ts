import { ConfigError } from '../core/errors.js';
import type { GenericDefinition } from '../signatures/types.js';
import type { ConfigFile } from './file.js';

const ALGORITHMS = ['sha1', 'sha256', 'sha512'];
const ENCODINGS = ['hex', 'base64'];
const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** The config file's `generic` schemes, checked: a typo must fail at start-up, not on every request. */
export function genericDefinitions(file: ConfigFile): GenericDefinition[] {
  if (file.generic === undefined) return [];
  if (!Array.isArray(file.generic)) throw new ConfigError('"generic" in hookdev.config.json must be a list of schemes');
  return file.generic.map((raw, i) => {
    const where = `generic[${i}] in hookdev.config.json`;
    if (!raw || typeof raw !== 'object') throw new ConfigError(`${where} must be an object`);
    const d = raw as Record<string, unknown>;
    const str = (k: string) => (d[k] === undefined ? undefined : typeof d[k] === 'string' ? (d[k] as string) : bad(k));
    const bad = (k: string): never => {
      throw new ConfigError(`${where}: "${k}" has the wrong type`);
    };
    const name = str('name');
    if (!name || !NAME.test(name)) throw new ConfigError(`${where}: "name" must be a lowercase id like "acme" (it becomes a provider id)`);
    const header = str('header');
    if (!header) throw new ConfigError(`${where}: "header" (the signature header's name) is required`);
    const algorithm = str('algorithm') ?? 'sha256';
    if (!ALGORITHMS.includes(algorithm)) throw new ConfigError(`${where}: "algorithm" must be one of ${ALGORITHMS.join(', ')}`);
    const encoding = str('encoding') ?? 'hex';
    if (!ENCODINGS.includes(encoding)) throw new ConfigError(`${where}: "encoding" must be hex or base64`);
    const template = str('template');
    const timestampHeader = str('timestampHeader');
    if (template?.includes('{timestamp}') && !timestampHeader) {
      throw new ConfigError(`${where}: the template uses {timestamp}, so "timestampHeader" is required`);
    }
    const tolerance = d.toleranceSeconds;
    if (tolerance !== undefined && (typeof tolerance !== 'number' || !(tolerance >= 0))) bad('toleranceSeconds');
    return {
      name,
      header,
      algorithm: algorithm as GenericDefinition['algorithm'],
      encoding: encoding as GenericDefinition['encoding'],
      prefix: str('prefix'),
      template,
      timestampHeader,
      toleranceSeconds: tolerance as number | undefined,
      eventTypeHeader: str('eventTypeHeader'),
      eventIdHeader: str('eventIdHeader'),
    };
  });
}
