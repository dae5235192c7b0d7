import { validateHeaderName, validateHeaderValue } from 'node:http';
import { UsageError } from './errors.js';
import { parseHeaderArg } from './headers.js';

/**
 * A `Name: value` given on the command line, checked the way node:http and undici will check it when it is sent
 * (`--response-header`, `replay --set-header`, `send -H`). Checked at start-up: a value node refuses (a `€`, a
 * CR/LF) would otherwise throw `ERR_INVALID_CHAR` on the first request, after the request was stored.
 */
export function parseSendableHeader(flag: string, arg: string): [string, string] {
  const pair = parseHeaderArg(arg);
  if (!pair) throw new UsageError(`${flag} expects 'Name: value', got ${JSON.stringify(arg)}`, `example: ${flag} 'X-Test: 1'`);
  const problem = headerProblem(pair[0], pair[1]);
  if (problem) throw new UsageError(`${flag} ${JSON.stringify(arg)}: ${problem}`, 'header values are latin-1 text without control characters (percent-encode anything else)');
  return pair;
}

/**
 * A `Name: value` that hookdev will send in a request (`send -H`, `audit -H`, `replay --set-header`): also refused
 * when it frames the body or the connection. The HTTP client writes those itself and refuses them at send time,
 * which a sender took for a network failure and retried with backoff until it gave up (exit 1, not 2).
 */
export function parseRequestHeader(flag: string, arg: string): [string, string] {
  const pair = parseSendableHeader(flag, arg);
  // A Content-Length of the user's would be dropped for the body's real length: say so rather than ignore it.
  const problem = pair[0].toLowerCase() === 'content-length' ? 'Content-Length is always the body\'s real length' : framingProblem(pair[0], pair[1]);
  if (problem) throw new UsageError(`${flag} ${JSON.stringify(arg)}: ${problem}`, 'hookdev writes the framing headers itself: leave this one out');
  return pair;
}

/** Headers the client refuses in a request (as undici does): they describe the framing, not the message. */
const FRAMING = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

/** Why the HTTP client would refuse this request header, or null when it can be sent. */
export function framingProblem(name: string, value: string): string | null {
  const lower = name.toLowerCase();
  if (FRAMING.has(lower)) return `${name} cannot be set on a request hookdev sends`;
  if (lower === 'connection') {
    const v = value.trim().toLowerCase();
    if (v !== 'close' && v !== 'keep-alive') return 'Connection can only be close or keep-alive';
  }
  return null;
}

/** Why node:http would refuse to send this header, or null when it is fine. */
export function headerProblem(name: string, value: string): string | null {
  try {
    validateHeaderName(name);
  } catch {
    return `"${name}" is not a valid header name`;
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    const bad = [...value].find((ch) => {
      const c = ch.codePointAt(0)!;
      return c > 0xff || (c < 0x20 && c !== 0x09) || c === 0x7f;
    });
    return `the value has a character HTTP headers cannot carry${bad ? ` (${JSON.stringify(bad)}, U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})` : ''}`;
  }
  return null;
}
