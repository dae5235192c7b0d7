/**
 * Edit one value of a JSON text in place: the bytes of every other value stay as they were (no parse and
 * re-stringify, so big integers, escapes, `1.0` and the sender's spacing survive). Also the same for
 * `application/x-www-form-urlencoded` bodies (Twilio, Slack commands).
 */
import { UsageError } from '../core/errors.js';

/** A `--set` override: dotted path and the JSON text of the new value. */
export interface SetOverride {
  path: string[];
  /** JSON text of the value (already valid JSON). */
  value: string;
}

/** `data.object.amount=5000` → path + JSON value; a value that is not JSON is taken as a string. */
export function parseSetArg(arg: string): SetOverride {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects path=value, got "${arg}"`, 'example: --set data.object.amount=5000');
  const pathText = arg.slice(0, eq);
  const path = pathText.split('.');
  if (path.some((p) => p === '')) throw new UsageError(`--set path "${pathText}" has an empty part`, 'use dotted keys like data.object.amount');
  const raw = arg.slice(eq + 1);
  let value: string;
  try {
    JSON.parse(raw);
    value = raw.trim();
  } catch {
    value = JSON.stringify(raw);
  }
  return { path, value };
}

class JsonScanError extends Error {}

const WS = new Set([' ', '\t', '\n', '\r']);

function skipWs(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** End index (exclusive) of the string token starting at `i` (a `"`). */
function stringEnd(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q === -1) throw new JsonScanError('unterminated string');
    // Escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (t.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** End index (exclusive) of the value starting at `i` (after whitespace). */
function valueEnd(t: string, i: number): number {
  const c = t[i];
  if (c === '"') return stringEnd(t, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    let j = skipWs(t, i + 1);
    if (t[j] === close) return j + 1;
    for (;;) {
      if (c === '{') {
        if (t[j] !== '"') throw new JsonScanError('expected a key');
        j = skipWs(t, stringEnd(t, j));
        if (t[j] !== ':') throw new JsonScanError('expected ":"');
        j = skipWs(t, j + 1);
      }
      j = skipWs(t, valueEnd(t, j));
      if (t[j] === ',') j = skipWs(t, j + 1);
      else if (t[j] === close) return j + 1;
      else throw new JsonScanError(`expected "," or "${close}"`);
    }
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400));
  if (!m) throw new JsonScanError(`unexpected character at ${i}`);
  return i + m[0].length;
}

interface Member {
  key: string;
  start: number;
  end: number;
}

/** The members of the object or array whose opening bracket is at `i`, with their value spans. */
function members(t: string, i: number): Member[] {
  const out: Member[] = [];
  const c = t[i];
  const close = c === '{' ? '}' : ']';
  let j = skipWs(t, i + 1);
  if (t[j] === close) return out;
  for (let index = 0; ; index++) {
    let key = String(index);
    if (c === '{') {
      const kEnd = stringEnd(t, j);
      key = JSON.parse(t.slice(j, kEnd)) as string;
      j = skipWs(t, kEnd);
      j = skipWs(t, j + 1); // ':'
    }
    const end = valueEnd(t, j);
    out.push({ key, start: j, end });
    j = skipWs(t, end);
    if (t[j] === ',') j = skipWs(t, j + 1);
    else return out;
  }
}

/** Nested objects for the path segments that do not exist yet: `["a","b"], 1` → `{"b":1}` under key a. */
function nested(path: string[], value: string): string {
  let v = value;
  for (let i = path.length - 1; i >= 1; i--) v = `{${JSON.stringify(path[i])}:${v}}`;
  return v;
}

/**
 * The JSON text with the value at `path` replaced by `value` (JSON text); missing keys are added to their
 * object (nested objects created as needed). Throws a UsageError naming the path when it cannot apply.
 */
export function setJsonPath(text: string, path: string[], value: string): string {
  const where = path.join('.');
  try {
    let pos = skipWs(text, 0);
    valueEnd(text, pos); // the whole text must be one JSON value
    for (let depth = 0; depth < path.length; depth++) {
      const open = text[pos];
      const seg = path[depth]!;
      const done = path.slice(0, depth).join('.') || 'the body';
      if (open !== '{' && open !== '[') throw new UsageError(`--set ${where}: ${done} is not an object`);
      const found = members(text, pos).find((m) => m.key === seg);
      if (!found) {
        if (open === '[') throw new UsageError(`--set ${where}: ${done} has no item ${seg}`);
        // Insert before the closing brace of this object.
        const end = valueEnd(text, pos) - 1;
        const empty = members(text, pos).length === 0;
        const entry = `${JSON.stringify(seg)}:${nested(path.slice(depth), value)}`;
        return text.slice(0, end) + (empty ? entry : `,${entry}`) + text.slice(end);
      }
      if (depth === path.length - 1) return text.slice(0, found.start) + value + text.slice(found.end);
      pos = found.start;
    }
  } catch (err) {
    if (err instanceof JsonScanError) throw new UsageError(`--set ${where}: the body is not valid JSON (${err.message})`);
    throw err;
  }
  return text;
}

/** The span [start, end) of the value at `path`, or null when the path is missing (or the text malformed). */
export function pathSpan(text: string, path: string[]): [number, number] | null {
  try {
    let pos = skipWs(text, 0);
    for (const seg of path) {
      if (text[pos] !== '{' && text[pos] !== '[') return null;
      const found = members(text, pos).find((m) => m.key === seg);
      if (!found) return null;
      pos = found.start;
    }
    return [pos, valueEnd(text, pos)];
  } catch {
    return null;
  }
}

/** Read the JSON text of the value at `path`, or undefined (malformed text or missing path). */
export function getJsonPath(text: string, path: string[]): string | undefined {
  const span = pathSpan(text, path);
  return span ? text.slice(span[0], span[1]) : undefined;
}

/** The span [start, end) of the first number (or string) value in a JSON text, or null. Used to tamper with one value. */
export function firstNumberSpan(text: string, kind: 'number' | 'string' = 'number'): [number, number] | null {
  const walk = (pos: number): [number, number] | null => {
    const c = text[pos];
    if (c === '{' || c === '[') {
      for (const m of members(text, pos)) {
        const r = walk(m.start);
        if (r) return r;
      }
      return null;
    }
    if (kind === 'string') return c === '"' && stringEnd(text, pos) - pos > 2 ? [pos, stringEnd(text, pos)] : null;
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return [pos, valueEnd(text, pos)];
    return null;
  };
  try {
    return walk(skipWs(text, 0));
  } catch {
    return null;
  }
}

const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

/** Set one parameter of a form-encoded body (the other pairs keep their exact bytes); appended when absent. */
export function setFormParam(text: string, key: string, value: string): string {
  const pairs = text === '' ? [] : text.split('&');
  const encoded = `${formEncode(key)}=${formEncode(value)}`;
  const i = pairs.findIndex((p) => {
    const name = p.split('=')[0]!;
    try {
      return decodeURIComponent(name.replace(/\+/g, ' ')) === key;
    } catch {
      return false;
    }
  });
  if (i === -1) pairs.push(encoded);
  else pairs[i] = encoded;
  return pairs.join('&');
}

/** True for a form-encoded content type. */
export const isForm = (contentType: string): boolean => /application\/x-www-form-urlencoded/i.test(contentType);

/**
 * Apply one override to a body of the given content type. JSON: the dotted path; form: the whole path is the
 * parameter name and a JSON string value is unquoted.
 */
export function applyOverride(body: string, contentType: string, o: SetOverride): string {
  if (isForm(contentType)) {
    let v = o.value;
    try {
      const parsed = JSON.parse(v) as unknown;
      v = typeof parsed === 'string' ? parsed : v;
    } catch {
      // already plain
    }
    return setFormParam(body, o.path.join('.'), v);
  }
  return setJsonPath(body, o.path, o.value);
}

/**
 * The same JSON with other spacing, at the token level (values keep their exact text): compact when the text has
 * whitespace between tokens, else pretty-printed with 2 spaces. Null when the text is not JSON.
 */
export function respace(text: string): string | null {
  try {
    const start = skipWs(text, 0);
    if (skipWs(text, valueEnd(text, start)) !== text.length) return null;
  } catch {
    return null;
  }
  let spaced = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (WS.has(c)) spaced = true;
    else out += c;
  }
  if (spaced) return out;
  let pretty = '';
  let depth = 0;
  const nl = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c === '"') {
      const end = stringEnd(out, i);
      pretty += out.slice(i, end);
      i = end - 1;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (out[i + 1] === close) {
        pretty += c + close;
        i++;
      } else {
        depth++;
        pretty += c + nl();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      pretty += nl() + c;
    } else if (c === ',') pretty += ',' + nl();
    else if (c === ':') pretty += ': ';
    else pretty += c;
  }
  return pretty;
}
