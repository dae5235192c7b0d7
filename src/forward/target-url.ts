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
  const t = new URL(target);
  if (keepPath) return t.href;
  const q = capturedUrl.indexOf('?');
  const path = q === -1 ? capturedUrl : capturedUrl.slice(0, q);
  const query = q === -1 ? '' : capturedUrl.slice(q + 1);
  const base = t.pathname.replace(/\/+$/, '');
  const joined = path === '/' || path === '' ? t.pathname : base + (path.startsWith('/') ? path : `/${path}`);
  const targetQuery = t.search.replace(/^\?/, '');
  const fullQuery = [targetQuery, query].filter(Boolean).join('&');
  // Built by hand, not through URL setters: the captured path and query keep their exact encoding.
  const search = fullQuery ? `?${fullQuery}` : q !== -1 ? '?' : '';
  return `${t.protocol}//${t.host}${joined}${search}`;
}
