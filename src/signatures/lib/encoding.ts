/**
 * Strict base64 (standard alphabet, up to two trailing `=`), matching what @stablelib/base64 — used by the
 * standardwebhooks and svix SDKs — accepts: at least 4 characters, no URL-safe or stray characters.
 * Returns null when the SDK would throw. Node's own decoder is lenient, so we check before using it.
 */
export function decodeBase64Strict(text: string): Buffer | null {
  if (text === '') return Buffer.alloc(0);
  if (text.length < 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

export function isHex(text: string): boolean {
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
}

export function decodeHex(text: string): Buffer | null {
  return isHex(text) ? Buffer.from(text, 'hex') : null;
}

/**
 * discord-interactions' hex reader: 2-character chunks through `parseInt(.., 16)`, NaN becoming 0 in a
 * Uint8Array. Uppercase works, garbage silently becomes other bytes. Null only where the SDK throws.
 */
export function decodeHexLikeDiscord(text: string): Buffer | null {
  const chunks = text.match(/.{1,2}/g);
  if (chunks === null) return null;
  return Buffer.from(new Uint8Array(chunks.map((c) => Number.parseInt(c, 16))));
}
