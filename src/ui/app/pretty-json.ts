import type { Line, Seg } from './segments.js';
import { printable } from './segments.js';

/**
 * Re-indent JSON text at the token level, with a tone per token. Never parses values, so big integers, `1.0` and
 * escapes show exactly as sent. Strings longer than `foldAt` are folded ("…+N chars"). Returns null when the text
 * is not well-formed JSON (the caller shows it as text). `partial`: the text is the start of a larger body (cut at the
 * display cap): it is shown up to its last whole token, unclosed brackets allowed.
 */
export function prettyJsonLines(text: string, foldAt = 200, partial = false): Line[] | null {
  const tokens = tokenizeJson(text, partial);
  if (!tokens || !balanced(tokens, partial)) return null;
  const lines: Line[] = [];
  let cur: Seg[] = [];
  let depth = 0;
  let expectKey = false;
  const stack: Array<'{' | '['> = [];
  const newline = () => {
    lines.push(cur);
    cur = [{ text: '  '.repeat(depth) }];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    switch (t.kind) {
      case '{':
      case '[': {
        stack.push(t.kind);
        const empty = next && next.kind === (t.kind === '{' ? '}' : ']');
        if (empty) {
          cur.push({ text: t.kind + next.kind, tone: 'punct' });
          stack.pop();
          i++;
          expectKey = false;
          break;
        }
        cur.push({ text: t.kind, tone: 'punct' });
        depth++;
        expectKey = t.kind === '{';
        newline();
        break;
      }
      case '}':
      case ']':
        stack.pop();
        depth--;
        cur = cur.length === 1 && cur[0]!.text.trim() === '' ? [] : cur;
        if (cur.length) lines.push(cur);
        cur = [{ text: '  '.repeat(depth) }, { text: t.kind, tone: 'punct' }];
        expectKey = false;
        break;
      case ',':
        cur.push({ text: ',', tone: 'punct' });
        expectKey = stack[stack.length - 1] === '{';
        newline();
        break;
      case ':':
        cur.push({ text: ': ', tone: 'punct' });
        break;
      case 'string': {
        const chars = [...t.text];
        const folded = chars.length > foldAt ? chars.slice(0, foldAt).join('') + `…" (+${chars.length - foldAt} chars)` : t.text;
        cur.push({ text: printable(folded), tone: expectKey ? 'key' : 'string' });
        expectKey = false;
        break;
      }
      case 'number':
        cur.push({ text: t.text, tone: 'number' });
        break;
      case 'literal':
        cur.push({ text: t.text, tone: 'literal' });
        break;
    }
  }
  if (cur.length && !(cur.length === 1 && cur[0]!.text.trim() === '')) lines.push(cur);
  return lines;
}

type Tok = { kind: '{' | '}' | '[' | ']' | ',' | ':' } | { kind: 'string' | 'number' | 'literal'; text: string };

function tokenizeJson(s: string, partial = false): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
      continue;
    }
    if ('{}[],:'.includes(c)) {
      out.push({ kind: c as '{' });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= n) return partial ? out : null;
      out.push({ kind: 'string', text: s.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(i, i + 64));
    // A number or literal at the very end of a cut text may be cut too: left out.
    if (partial && m && i + m[0].length >= n) return out;
    if (m) {
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
      continue;
    }
    const lit = /^(true|false|null)/.exec(s.slice(i, i + 5));
    if (lit) {
      out.push({ kind: 'literal', text: lit[0] });
      i += lit[0].length;
      continue;
    }
    return partial && n - i < 5 ? out : null;
  }
  return out;
}

/** Brackets match and the text is one value (a rough but sufficient well-formedness check for display). */
function balanced(tokens: Tok[], partial = false): boolean {
  if (!tokens.length) return false;
  const first = tokens[0]!.kind;
  if (first !== '{' && first !== '[') return false;
  const stack: string[] = [];
  for (const [i, t] of tokens.entries()) {
    if (t.kind === '{' || t.kind === '[') stack.push(t.kind);
    else if (t.kind === '}' || t.kind === ']') {
      const open = stack.pop();
      if ((t.kind === '}' && open !== '{') || (t.kind === ']' && open !== '[')) return false;
      if (stack.length === 0 && i !== tokens.length - 1) return false;
    }
  }
  return partial || stack.length === 0;
}
