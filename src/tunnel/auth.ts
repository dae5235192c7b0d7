import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Index of the matching token, or -1. Constant time: both sides are hashed to equal-length digests
 * (so length does not leak) and every token is compared, with no early exit.
 */
export function matchToken(presented: string, tokens: readonly string[]): number {
  const p = digest(presented);
  let found = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (timingSafeEqual(p, digest(tokens[i]!)) && found === -1) found = i;
  }
  return found;
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
