import type { HeaderList } from './types.js';

/** First value of a header, by case-insensitive name (the first occurrence wins). */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  // Length first: this runs for every provider's headers on every request.
  for (const [k, v] of headers) if (k.length === lower.length && k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the old `Proxy-Connection`:
 * never passed on by whoever forwards a message (the forwarder, the relay).
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function hasHeader(headers: HeaderList, name: string): boolean {
  return getHeader(headers, name) !== undefined;
}

/** Node's `rawHeaders` ([k, v, k, v, ...]) as a pair list. */
export function fromRawHeaders(raw: string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** A pair list as a flat [k, v, k, v, ...] array (what undici and node:http accept to keep order and case). */
export function toFlatHeaders(headers: HeaderList): string[] {
  const out: string[] = [];
  for (const [k, v] of headers) out.push(k, v);
  return out;
}

/** Replace every occurrence of `name` with one header (appended where the first one stood, else at the end). */
export function setHeader(headers: HeaderList, name: string, value: string): HeaderList {
  const lower = name.toLowerCase();
  const out: HeaderList = [];
  let placed = false;
  for (const pair of headers) {
    if (pair[0].toLowerCase() === lower) {
      if (!placed) out.push([pair[0], value]);
      placed = true;
    } else out.push(pair);
  }
  if (!placed) out.push([name, value]);
  return out;
}

export function removeHeaders(headers: HeaderList, names: Iterable<string>): HeaderList {
  const drop = new Set([...names].map((n) => n.toLowerCase()));
  return headers.filter(([k]) => !drop.has(k.toLowerCase()));
}

/** Parse `Name: value` as given on the command line. */
export function parseHeaderArg(arg: string): [string, string] | null {
  const i = arg.indexOf(':');
  if (i <= 0) return null;
  const name = arg.slice(0, i).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return null;
  return [name, arg.slice(i + 1).trim()];
}
