/**
 * Where a captured request goes.
 *
 * Default (join): the target's path is a mount point and the captured path and query are appended:
 *   target http://localhost:3000/api  + captured /stripe?x=1 → http://localhost:3000/api/stripe?x=1
 *   target http://localhost:3000      + captured /stripe     → http://localhost:3000/stripe
 *   target http://localhost:3000/hook + captured /           → http://localhost:3000/hook   (root adds nothing)
 * A query on the target is kept and the captured query follows it (`?token=1&x=1`).
 *
 * keepPath: the target URL is used exactly as given, whatever the captured path (stripe-cli's `--forward-to`).
 */
export function targetUrl(target: string, capturedUrl: string, keepPath = false): string {
  const t = parsedTarget(target);
  if (keepPath) return t.href;
  const q = capturedUrl.indexOf('?');
  const path = q === -1 ? capturedUrl : capturedUrl.slice(0, q);
  const query = q === -1 ? '' : capturedUrl.slice(q + 1);
  const joined = path === '/' || path === '' ? t.pathname : t.base + (path.startsWith('/') ? path : `/${path}`);
  const fullQuery = t.query && query ? `${t.query}&${query}` : t.query || query;
  // Built by hand, not through URL setters: the captured path and query keep their exact encoding.
  const search = fullQuery ? `?${fullQuery}` : q !== -1 ? '?' : '';
  return `${t.origin}${joined}${search}`;
}

interface ParsedTarget {
  href: string;
  /** `protocol//host` */
  origin: string;
  pathname: string;
  /** pathname without trailing slashes */
  base: string;
  /** the target's query without `?` */
  query: string;
}

/** Targets are few and fixed: parse each once, not once per forwarded request. */
const parsed = new Map<string, ParsedTarget>();

function parsedTarget(target: string): ParsedTarget {
  let p = parsed.get(target);
  if (!p) {
    const t = new URL(target);
    p = {
      href: t.href,
      origin: `${t.protocol}//${t.host}`,
      pathname: t.pathname,
      base: t.pathname.replace(/\/+$/, ''),
      query: t.search.replace(/^\?/, ''),
    };
    if (parsed.size >= 256) parsed.clear();
    parsed.set(target, p);
  }
  return p;
}
