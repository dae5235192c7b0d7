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
  return `${t.origin}${sendable(joined)}${sendable(search)}`;
}

// eslint-disable-next-line no-control-regex
const UNSENDABLE = /[^\x21-\x7e]/u;
// eslint-disable-next-line no-control-regex
const UNSENDABLE_ALL = /[^\x21-\x7e]/gu;

/**
 * A path or query as a request line can carry it: characters HTTP cannot send raw (non-ASCII, spaces, controls) as
 * %XX of their UTF-8 bytes, as a browser or curl would; everything else, `%XX` escapes included, unchanged. Live
 * captures are stored that way already; an imported or edited row may hold raw text, which undici refuses to send.
 */
export function sendable(text: string): string {
  if (!UNSENDABLE.test(text)) return text;
  return text.replace(UNSENDABLE_ALL, (ch) => {
    let out = '';
    for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    return out;
  });
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
