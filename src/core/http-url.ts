/**
 * An http(s) URL that the URL parser reads. The scheme check alone let `http://127.0.0.1:99999/` through, and
 * sending to it was an internal error (`TypeError: Invalid URL`) instead of one line and exit 2.
 */
export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^/?#]+/i.test(text) && URL.canParse(text);
}
