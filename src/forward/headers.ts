import { HOP_BY_HOP } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';

function isHopByHop(lower: string, named: Set<string> | null): boolean {
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || (named !== null && named.has(lower));
}

/** Extra hop-by-hop names the sender listed in its own `Connection` header (null when there are none). */
function connectionTokens(headers: HeaderList, lowerNames: string[]): Set<string> | null {
  let out: Set<string> | null = null;
  for (let i = 0; i < headers.length; i++) {
    if (lowerNames[i] !== 'connection') continue;
    for (const t of headers[i]![1].split(',')) {
      const token = t.trim().toLowerCase();
      if (token && token !== 'close' && token !== 'keep-alive') (out ??= new Set()).add(token);
    }
  }
  return out;
}

function lowerNames(headers: HeaderList): string[] {
  const out = new Array<string>(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = headers[i]![0].toLowerCase();
  return out;
}

export function stripHopByHop(headers: HeaderList): HeaderList {
  const lower = lowerNames(headers);
  const named = connectionTokens(headers, lower);
  return headers.filter((_, i) => !isHopByHop(lower[i]!, named));
}

export interface OutgoingHeaderOptions {
  /** Keep the sender's Host header instead of the target's. */
  preserveHost?: boolean;
}

/**
 * The captured headers as they go to the app: order, case and repeats kept; hop-by-hop headers dropped;
 * Content-Length dropped (the HTTP client writes the real one for the exact body); `Expect` dropped (the body is
 * already here, and undici refuses it). Host: dropped so the client sends the target's, unless preserveHost.
 * One pass (each name lowered once): this runs for every forwarded request.
 */
export function outgoingHeaders(headers: HeaderList, opts: OutgoingHeaderOptions = {}): HeaderList {
  const lower = lowerNames(headers);
  const named = connectionTokens(headers, lower);
  const out: HeaderList = [];
  let hostSeen = false;
  for (let i = 0; i < headers.length; i++) {
    const l = lower[i]!;
    if (isHopByHop(l, named) || l === 'content-length' || l === 'expect') continue;
    if (l === 'host') {
      // A second Host would make the request invalid; the first one is what node:http used too.
      if (!opts.preserveHost || hostSeen) continue;
      hostSeen = true;
    }
    out.push(headers[i]!);
  }
  return out;
}

/** The app's response headers as they go back to the sender (framing is redone by our own server). */
export function answerHeaders(headers: HeaderList): HeaderList {
  const lower = lowerNames(headers);
  const named = connectionTokens(headers, lower);
  const out: HeaderList = [];
  for (let i = 0; i < headers.length; i++) {
    const l = lower[i]!;
    if (!isHopByHop(l, named) && l !== 'content-length') out.push(headers[i]!);
  }
  return out;
}

/** undici's raw header list (Buffers, flat) as a pair list. */
export function fromRawBuffers(raw: Buffer[] | string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
  return out;
}
