import type { HeaderList } from '../core/types.js';

/**
 * Loop guards for forwarding. A listener forwarding to its own address captures its own forwards for ever
 * (thousands of rows a second); through other hops (A → B → A) the same happens more slowly.
 */

/** Added to every forwarded request: the ids of the hookdev listeners it went through. */
export const HOP_HEADER = 'Hookdev-Hop';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', '0.0.0.0', '::', '::1', '0:0:0:0:0:0:0:1']);

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host.endsWith('.localhost');
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

export interface OwnAddress {
  /** The --host the listener bound. */
  host: string;
  port: number;
  /** This machine's interface addresses (os.networkInterfaces()), for a listener bound to every interface. */
  localAddresses?: readonly string[];
}

/**
 * True when a forward target would reach this very listener: same port, and a host that is the bound one, a
 * loopback name when bound to loopback or to every interface, or any local address when bound to every interface.
 * (A name that resolves here by DNS is not caught: the hop header catches what this misses.)
 */
export function targetIsSelf(target: string, own: OwnAddress): boolean {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return false;
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (port !== own.port) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const bound = own.host.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === bound) return true;
  if (isWildcard(bound)) return isLoopback(host) || (own.localAddresses ?? []).some((a) => a.toLowerCase() === host);
  // Bound to one loopback address: `localhost` (and 0.0.0.0, which connects locally) reach it too.
  const reachesLoopback = host === 'localhost' || host === 'localhost.' || host.endsWith('.localhost') || isWildcard(host);
  return isLoopback(bound) && reachesLoopback;
}

/** True when the request already went through the listener with this id (a loop). */
export function carriesHop(headers: HeaderList, instanceId: string): boolean {
  for (const [k, v] of headers) {
    if (k.length !== HOP_HEADER.length || k.toLowerCase() !== 'hookdev-hop') continue;
    if (v.split(',').some((id) => id.trim() === instanceId)) return true;
  }
  return false;
}
