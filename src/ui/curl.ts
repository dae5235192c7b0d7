import { UsageError } from '../core/errors.js';
import { getHeader } from '../core/headers.js';
import type { StoredRequest } from '../core/types.js';

/** Single-quote for POSIX shells. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A POSIX `printf` format that writes exactly these bytes, NUL included: 3-digit octal escapes (`\ooo` is the
 * only byte escape POSIX printf knows; `\x` and bash's `$'…'` are not in dash).
 */
function printfFormat(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x25) out += '%%';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return sq(out);
}

/** Printable ASCII, newlines and tabs: safe to paste as a quoted argument (and curl reads `@…` as a file name). */
function isPlainText(bytes: Buffer): boolean {
  if (bytes[0] === 0x40 /* @ */) return false;
  for (const b of bytes) if (!((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09)) return false;
  return true;
}

/** Headers curl computes itself or that would make it re-frame the body. */
const CURL_OWNED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect']);

const ABSOLUTE = /^https?:\/\/[^/?#]*/i;

/**
 * Where the request goes: `--url` base, else the Host it was sent to, else the local port it arrived on (an
 * HTTP/1.0 client may send no Host); an absolute-form target keeps its own.
 */
function requestUrl(r: StoredRequest, baseUrl: string | undefined): string {
  const absolute = ABSOLUTE.exec(r.url);
  // Absolute form (`POST http://host/path`, as sent to a proxy): the target already names its origin.
  const path = absolute ? r.url.slice(absolute[0].length) || '/' : r.url;
  if (baseUrl) return baseUrl.replace(/\/$/, '') + path;
  if (absolute) return r.url;
  const host = getHeader(r.headers, 'host');
  if (!host) {
    if (r.localPort !== null) return `http://127.0.0.1:${r.localPort}${path}`;
    // Rows from before the port was recorded, and other doors: a guess (4747) would send it to the wrong place.
    throw new UsageError(`request ${r.id} had no Host header, so the address it was sent to is unknown`, 'pass --url http://127.0.0.1:PORT');
  }
  return `http://${host}${path}`;
}

/**
 * A curl command for any POSIX shell (sh, dash, bash, zsh) that sends the same method, path, headers (case,
 * order, repeats) and body bytes. curl's own User-Agent and Accept are removed when the original did not have
 * them. A body that is not plain text is piped in from `printf` (`--data-binary @-`).
 */
export function curlCommand(r: StoredRequest, baseUrl?: string): string {
  const parts = ['curl', '--silent', '--show-error', '--globoff', '--path-as-is', '-X', sq(r.method), sq(requestUrl(r, baseUrl))];
  for (const [k, v] of r.headers) {
    if (CURL_OWNED.has(k.toLowerCase())) continue;
    // "Name;" is curl's way to send a header with an empty value.
    parts.push('-H', sq(v === '' ? `${k};` : `${k}: ${v}`));
  }
  if (!getHeader(r.headers, 'user-agent')) parts.push('-H', sq('User-Agent:'));
  if (!getHeader(r.headers, 'accept')) parts.push('-H', sq('Accept:'));
  if (r.body.length === 0) return parts.join(' ');
  if (!getHeader(r.headers, 'content-type')) parts.push('-H', sq('Content-Type:'));
  if (isPlainText(r.body)) return [...parts, '--data-binary', sq(r.body.toString('latin1'))].join(' ');
  return `printf ${printfFormat(r.body)} | ${[...parts, '--data-binary', '@-'].join(' ')}`;
}
