import { getHeader } from '../core/headers.js';
import type { StoredRequest } from '../core/types.js';

/** Single-quote for POSIX shells. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bytes as backslash escapes: printable ASCII kept, a backslash doubled, the one byte `special` the quoting
 * gives meaning to written as `escaped`, anything else `\xNN`.
 */
function escapeBytes(bytes: Buffer, special: number, escaped: string): string {
  let out = '';
  for (const b of bytes) {
    if (b === special) out += escaped;
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** bash ANSI-C quoting ($'…') that reproduces any bytes exactly. */
function ansiC(bytes: Buffer): string {
  return "$'" + escapeBytes(bytes, 0x27, "\\'") + "'";
}

/** A printf format that writes any bytes, NUL included (bash strings cannot hold NUL). */
function printfFormat(bytes: Buffer): string {
  return sq(escapeBytes(bytes, 0x25, '%%'));
}

/** Headers curl computes itself or that would make it re-frame the body. */
const CURL_OWNED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect']);

/**
 * A curl command that sends the same method, path, headers (case, order, repeats) and body bytes.
 * curl's own User-Agent and Accept are removed when the original did not have them.
 */
export function curlCommand(r: StoredRequest, baseUrl?: string): string {
  const host = getHeader(r.headers, 'host') ?? '127.0.0.1:4747';
  const base = (baseUrl ?? `http://${host}`).replace(/\/$/, '');
  const parts = ['curl', '--silent', '--show-error', '--globoff', '--path-as-is', '-X', sq(r.method), sq(base + r.url)];
  for (const [k, v] of r.headers) {
    if (CURL_OWNED.has(k.toLowerCase())) continue;
    // "Name;" is curl's way to send a header with an empty value.
    parts.push('-H', sq(v === '' ? `${k};` : `${k}: ${v}`));
  }
  if (!getHeader(r.headers, 'user-agent')) parts.push('-H', sq('User-Agent:'));
  if (!getHeader(r.headers, 'accept')) parts.push('-H', sq('Accept:'));
  if (r.body.length > 0) {
    if (!getHeader(r.headers, 'content-type')) parts.push('-H', sq('Content-Type:'));
    parts.push('--data-binary', r.body.includes(0) ? `@<(printf ${printfFormat(r.body)})` : ansiC(r.body));
  }
  return parts.join(' ');
}
