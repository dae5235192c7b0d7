/** A header value quoted for a reason line: control characters escaped, long values cut. */
export function preview(value: string, max = 40): string {
  const clean = value.slice(0, max + 1).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return JSON.stringify(value.length > max ? `${clean.slice(0, max)}…` : clean);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
