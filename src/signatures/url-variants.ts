import { getHeader } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';

/** The ways a signed URL usually differs from the one we rebuilt: scheme, port, host behind a proxy, slash, query order. */
export interface UrlVariant {
  label: string;
  value: string;
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;
const MAX_VARIANTS = 400;
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

function splitHost(authority: string): { host: string; port: string } {
  const colon = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  return colon === -1 ? { host: authority, port: '' } : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

const first = (v: string | undefined): string | undefined => v?.split(',')[0]?.trim() || undefined;

/**
 * Candidate URLs, fewest changes first, each labelled with what changed. Keeps the raw characters of path and
 * query (no `new URL()` normalisation) since senders sign exact text.
 */
export function urlVariants(url: string, headers: HeaderList): UrlVariant[] {
  const m = URL_PARTS.exec(url);
  if (!m) return [];
  const [, scheme0, authority0, path0, query0 = '', fragment = ''] = m as unknown as string[];
  const scheme = scheme0!.toLowerCase();
  const { host: host0, port: port0 } = splitHost(authority0!);

  const schemes = [{ v: scheme, d: '' }];
  const other = scheme === 'https' ? 'http' : scheme === 'http' ? 'https' : null;
  if (other) schemes.push({ v: other, d: `${other} instead of ${scheme}` });
  const fwdProto = first(getHeader(headers, 'X-Forwarded-Proto'))?.toLowerCase();
  if (fwdProto && fwdProto !== scheme && fwdProto !== other) schemes.push({ v: fwdProto, d: `${fwdProto} from X-Forwarded-Proto` });

  const hosts = [{ v: host0, p: port0, d: '' }];
  for (const name of ['X-Forwarded-Host', 'Host']) {
    const h = first(getHeader(headers, name));
    if (!h) continue;
    const { host, port } = splitHost(h);
    if (host.toLowerCase() !== host0.toLowerCase() || port !== port0) hosts.push({ v: host, p: port, d: `host ${h} from ${name}` });
  }

  const fwdPort = first(getHeader(headers, 'X-Forwarded-Port'));

  const path = path0!;
  const paths = [{ v: path, d: '' }];
  if (path.endsWith('/') && path.length > 1) paths.push({ v: path.slice(0, -1), d: 'without the trailing slash' });
  else if (!path.endsWith('/')) paths.push({ v: `${path}/`, d: 'with a trailing slash' });
  else if (path === '') paths.push({ v: '/', d: 'with a trailing slash' });

  const queries = [{ v: query0, d: '' }];
  const params = query0.length > 1 ? query0.slice(1).split('&') : [];
  if (params.length > 1) {
    const orders = params.length <= 4 ? permutations(params) : [[...params].sort(), [...params].reverse()];
    for (const o of orders) {
      const q = `?${o.join('&')}`;
      if (q !== query0) queries.push({ v: q, d: 'with the query parameters in another order' });
    }
  }
  if (query0) queries.push({ v: '', d: 'without the query string' });

  const out: Array<UrlVariant & { changes: number }> = [];
  const seen = new Set([url]);
  for (const s of schemes) {
    for (const h of hosts) {
      const ports = [{ v: h.p, d: '' }];
      if (h.p) ports.push({ v: '', d: `without port :${h.p}` });
      const def = DEFAULT_PORT[s.v];
      if (def && h.p !== def) ports.push({ v: def, d: `with port :${def}` });
      if (fwdPort && fwdPort !== h.p && fwdPort !== def) ports.push({ v: fwdPort, d: `port :${fwdPort} from X-Forwarded-Port` });
      for (const p of ports) {
        for (const pa of paths) {
          for (const q of queries) {
            const value = `${s.v}://${h.v}${p.v ? `:${p.v}` : ''}${pa.v}${q.v}${fragment}`;
            if (seen.has(value)) continue;
            seen.add(value);
            const diffs = [s.d, h.d, p.d, pa.d, q.d].filter(Boolean);
            out.push({ value, label: diffs.join(', ') || 'rebuilt', changes: diffs.length });
          }
        }
      }
    }
  }
  return out
    .sort((a, b) => a.changes - b.changes)
    .slice(0, MAX_VARIANTS)
    .map(({ label, value }) => ({ label, value }));
}
