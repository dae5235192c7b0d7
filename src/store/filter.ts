import { parseSince } from '../core/duration.js';
import { RESPONSE_STATUS_SQL } from './rows.js';

/**
 * The UI's filter language, compiled to a SQL condition on `requests`. Terms are separated by spaces and all must
 * hold (AND); `"quoted text"` keeps spaces. `key:value` terms:
 *   method:POST  path:/stripe  provider:github  event:push  sig:valid|invalid|unsigned|no-secret
 *   status:5xx|404  delivery:failed|ok|none  dup:yes|no  since:1h|2026-01-01
 * Anything else is free text, matched (case-sensitively, as bytes) in the path and in the body.
 */
export interface CompiledFilter {
  /** The source text, trimmed. */
  text: string;
  /** A SQL condition on `requests` (no WHERE), or '' when the filter is empty. */
  sql: string;
  params: unknown[];
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: string };

/** The newest delivery of a request (forward or replay): what the list shows and `delivery:` tests. */
export const LAST_DELIVERY_STATUS = `(SELECT d.status FROM deliveries d WHERE d.request_id = requests.id ORDER BY d.id DESC LIMIT 1)`;
const HAS_DELIVERY = `EXISTS (SELECT 1 FROM deliveries d WHERE d.request_id = requests.id)`;
const LAST_DELIVERY_OK = `IFNULL(${LAST_DELIVERY_STATUS} BETWEEN 200 AND 299, 0)`;

const SIG_ALIASES: Record<string, string> = {
  valid: 'valid', ok: 'valid', good: 'valid',
  invalid: 'invalid', bad: 'invalid', fail: 'invalid', failed: 'invalid',
  unsigned: 'unsigned', none: 'unsigned',
  'no-secret': 'no-secret', nosecret: 'no-secret',
};

/** Split on spaces, keeping `"quoted parts"` (also after `key:`) together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*"?)+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/"/g, ''));
  return out.filter((t) => t !== '');
}

function term(token: string, now: number): { sql: string; params: unknown[] } | string {
  const colon = token.indexOf(':');
  const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
  const value = colon > 0 ? token.slice(colon + 1) : token;
  if (colon > 0 && value === '' && KEYS.has(key)) return `${key}: needs a value`;
  switch (key) {
    case 'method':
      return { sql: 'method = ?', params: [value.toUpperCase()] };
    case 'path':
      return { sql: 'instr(url, ?) > 0', params: [value] };
    case 'provider':
      return { sql: 'provider = ?', params: [value.toLowerCase()] };
    case 'event':
      return { sql: 'instr(event_type, ?) > 0', params: [value] };
    case 'sig': {
      const s = SIG_ALIASES[value.toLowerCase()];
      if (!s) return `sig: expects valid, invalid, unsigned or no-secret, got "${value}"`;
      return { sql: 'signature_status = ?', params: [s] };
    }
    case 'status': {
      const v = value.toLowerCase();
      const cls = /^([1-5])xx$/.exec(v);
      if (cls) {
        const lo = Number(cls[1]) * 100;
        return { sql: `${RESPONSE_STATUS_SQL} BETWEEN ? AND ?`, params: [lo, lo + 99] };
      }
      if (/^\d{3}$/.test(v)) return { sql: `${RESPONSE_STATUS_SQL} = ?`, params: [Number(v)] };
      return `status: expects a code like 404 or a class like 5xx, got "${value}"`;
    }
    case 'delivery': {
      const v = value.toLowerCase();
      if (v === 'failed' || v === 'fail' || v === 'bad') return { sql: `(${HAS_DELIVERY} AND NOT ${LAST_DELIVERY_OK})`, params: [] };
      if (v === 'ok' || v === '2xx') return { sql: `${LAST_DELIVERY_OK}`, params: [] };
      if (v === 'none') return { sql: `NOT ${HAS_DELIVERY}`, params: [] };
      return `delivery: expects failed, ok or none, got "${value}"`;
    }
    case 'dup': {
      const v = value.toLowerCase();
      if (['yes', 'y', 'true', '1'].includes(v)) return { sql: 'duplicate_of IS NOT NULL', params: [] };
      if (['no', 'n', 'false', '0'].includes(v)) return { sql: 'duplicate_of IS NULL', params: [] };
      return `dup: expects yes or no, got "${value}"`;
    }
    case 'since': {
      const t = parseSince(value, now);
      if (t === null) return `since: expects a duration (30m, 1h, 7d) or an ISO time, got "${value}"`;
      return { sql: 'received_at >= ?', params: [t] };
    }
    default:
      // Body is a BLOB: a BLOB needle makes instr compare bytes, with no text conversion of the body.
      return { sql: '(instr(url, ?) > 0 OR instr(body, ?) > 0)', params: [token, Buffer.from(token, 'utf8')] };
  }
}

const KEYS = new Set(['method', 'path', 'provider', 'event', 'sig', 'status', 'delivery', 'dup', 'since']);

/** Compile a filter line; a bad term is reported in one line and nothing is run. `now` (epoch ms) anchors `since:`. */
export function compileFilter(text: string, now: number): FilterResult {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const token of tokenize(text)) {
    const t = term(token, now);
    if (typeof t === 'string') return { ok: false, error: t };
    parts.push(t.sql);
    params.push(...t.params);
  }
  return { ok: true, filter: { text: text.trim(), sql: parts.join(' AND '), params } };
}
