/**
 * Re-indent JSON text at the token level: strings, numbers and literals are copied exactly as they are in the input,
 * only the white space between tokens changes. `JSON.parse` + `stringify` would round integers above 2^53, rewrite
 * `\u00e9` and `1.0`, and collapse duplicate keys: fields the user never touched would change.
 *
 * Returns null when the text is not one JSON object or array (scalars and invalid JSON are shown as they are).
 * The layout is that of `JSON.stringify(value, null, indent)`.
 */
export function reindentJson(text: string, indent = '  '): string | null {
  const f = new Reindenter(text, indent);
  try {
    f.skipSpace();
    const first = text[f.pos];
    if (first !== '{' && first !== '[') return null;
    f.value(0);
    f.skipSpace();
    return f.pos === text.length ? f.out.join('') : null;
  } catch (err) {
    if (err instanceof NotJson) return null;
    throw err;
  }
}

class NotJson extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
// A string token: no raw control characters, every escape one of JSON's.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
// Nesting deeper than this is no document a person edits; stop before the stack does.
const MAX_DEPTH = 1000;

class Reindenter {
  pos = 0;
  readonly out: string[] = [];

  constructor(
    private readonly text: string,
    private readonly indent: string,
  ) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private token(re: RegExp): void {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new NotJson();
    this.out.push(m[0]);
    this.pos = re.lastIndex;
  }

  private newline(depth: number): void {
    this.out.push('\n', this.indent.repeat(depth));
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) throw new NotJson();
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') this.container(c, depth);
    else if (c === '"') this.token(STRING);
    else if (c === 't' || c === 'f' || c === 'n') this.token(LITERAL);
    else this.token(NUMBER);
  }

  private container(open: '{' | '[', depth: number): void {
    const close = open === '{' ? '}' : ']';
    this.pos++;
    this.out.push(open);
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos++;
      this.out.push(close);
      return;
    }
    for (;;) {
      this.newline(depth + 1);
      if (open === '{') {
        this.skipSpace();
        if (this.text[this.pos] !== '"') throw new NotJson();
        this.token(STRING);
        this.skipSpace();
        if (this.text[this.pos] !== ':') throw new NotJson();
        this.pos++;
        this.out.push(': ');
      }
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ',') {
        this.out.push(',');
        continue;
      }
      if (next !== close) throw new NotJson();
      this.newline(depth);
      this.out.push(close);
      return;
    }
  }
}
