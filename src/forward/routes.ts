import type { RouteConfig } from '../config/file.js';

/** What a route can look at. */
export interface RouteSubject {
  /** Path and query as captured. */
  url: string;
  provider: string | null;
  eventType: string | null;
}

/** `invoice.*` matches `invoice.paid`; `*` alone matches any event type. Exact otherwise. */
function eventTypeMatches(pattern: string, eventType: string | null): boolean {
  if (eventType === null) return false;
  if (!pattern.includes('*')) return pattern === eventType;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(eventType);
}

export function routeMatches(route: RouteConfig, s: RouteSubject): boolean {
  const path = s.url.split('?')[0] ?? s.url;
  if (route.pathPrefix !== undefined && !path.startsWith(route.pathPrefix)) return false;
  if (route.provider !== undefined && route.provider.toLowerCase() !== (s.provider ?? '').toLowerCase()) return false;
  if (route.eventType !== undefined && !eventTypeMatches(route.eventType, s.eventType)) return false;
  return true;
}

/** Every matching route's target (first match first, no repeats); the default targets when none matches. */
export function selectTargets(routes: RouteConfig[], defaults: string[], s: RouteSubject): string[] {
  const matched = routes.filter((r) => routeMatches(r, s)).map((r) => r.to);
  return [...new Set(matched.length ? matched : defaults)];
}
