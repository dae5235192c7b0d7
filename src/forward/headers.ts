import type { HeaderList } from '../core/types.js';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1); never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function isHopByHop(name: string, named: Set<string>): boolean {
  const l = name.toLowerCase();
  return HOP_BY_HOP.has(l) || l.startsWith('proxy-') || named.has(l);
}

/** Extra hop-by-hop names the sender listed in its own `Connection` header. */
function connectionTokens(headers: HeaderList): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'connection') continue;
    for (const t of v.split(',')) {
      const token = t.trim().toLowerCase();
      if (token && token !== 'close' && token !== 'keep-alive') out.add(token);
    }
  }
  return out;
}

export function stripHopByHop(headers: HeaderList): HeaderList {
  const named = connectionTokens(headers);
  return headers.filter(([k]) => !isHopByHop(k, named));
}

export interface OutgoingHeaderOptions {
  /** Keep the sender's Host header instead of the target's. */
  preserveHost?: boolean;
}

/**
 * The captured headers as they go to the app: order, case and repeats kept; hop-by-hop headers dropped;
 * Content-Length dropped (the HTTP client writes the real one for the exact body); `Expect` dropped (the body is
 * already here, and undici refuses it). Host: dropped so the client sends the target's, unless preserveHost.
 */
export function outgoingHeaders(headers: HeaderList, opts: OutgoingHeaderOptions = {}): HeaderList {
  let hostSeen = false;
  return stripHopByHop(headers).filter(([k]) => {
    const l = k.toLowerCase();
    if (l === 'content-length' || l === 'expect') return false;
    if (l === 'host') {
      // A second Host would make the request invalid; the first one is what node:http used too.
      if (!opts.preserveHost || hostSeen) return false;
      hostSeen = true;
    }
    return true;
  });
}

/** The app's response headers as they go back to the sender (framing is redone by our own server). */
export function answerHeaders(headers: HeaderList): HeaderList {
  return stripHopByHop(headers).filter(([k]) => k.toLowerCase() !== 'content-length');
}

/** undici's raw header list (Buffers, flat) as a pair list. */
export function fromRawBuffers(raw: Buffer[] | string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
  return out;
}
