/** Parse a body as JSON without ever throwing; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A string (or number, as text) at `obj[key]`, else null: for event types and ids read from bodies. */
export function textField(obj: unknown, ...path: string[]): string | null {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
    cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' && Number.isFinite(cur)) return String(cur);
  return null;
}
