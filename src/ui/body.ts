import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { getHeader } from '../core/headers.js';
import { reindentJson } from '../core/json-indent.js';
import type { HeaderList } from '../core/types.js';

/** Decode gzip/deflate/br for display only; the stored bytes never change. Null when not encoded or undecodable. */
export function decodeContentEncoding(headers: HeaderList, body: Buffer): { encoding: string; body: Buffer } | null {
  const enc = getHeader(headers, 'content-encoding')?.trim().toLowerCase();
  if (!enc || enc === 'identity' || body.length === 0) return null;
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return { encoding: enc, body: gunzipSync(body) };
    if (enc === 'deflate') return { encoding: enc, body: inflateSync(body) };
    if (enc === 'br') return { encoding: enc, body: brotliDecompressSync(body) };
  } catch {
    return null;
  }
  return null;
}

/** Text is valid UTF-8 without control characters other than tab, CR and LF. */
export function isText(body: Buffer): boolean {
  const text = body.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(body)) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

/** `hexdump -C` style lines. */
export function hexDump(body: Buffer, maxBytes = 4096): string {
  const lines: string[] = [];
  const n = Math.min(body.length, maxBytes);
  for (let off = 0; off < n; off += 16) {
    const slice = body.subarray(off, Math.min(off + 16, n));
    const hex = [...slice].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...slice].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  if (body.length > n) lines.push(`… ${body.length - n} more bytes (use --body to get them all)`);
  return lines.join('\n');
}

/** Body for a person: pretty JSON, text as is, binary as a hex dump. */
export function renderBody(body: Buffer): string {
  if (body.length === 0) return '(empty body)';
  if (!isText(body)) return hexDump(body);
  const text = body.toString('utf8');
  // Token-level re-indent: the numbers and escapes shown are the bytes received.
  return reindentJson(text) ?? text;
}
