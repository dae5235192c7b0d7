import type { KeyInfo } from './controller.js';

/** One key press, or a run of typed/pasted text, as the controller takes it (the shape Ink's `useInput` reports). */
export interface KeyPress {
  input: string;
  key: KeyInfo;
}

/** Bracketed paste (DEC mode 2004, turned on by terminal.ts): the terminal wraps pasted text in these. */
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const CSI_FINAL: Record<string, keyof KeyInfo> = { A: 'upArrow', B: 'downArrow', C: 'rightArrow', D: 'leftArrow', H: 'home', F: 'end' };
const TILDE: Record<string, keyof KeyInfo> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete', '5': 'pageUp', '6': 'pageDown' };

/** xterm's modifier parameter (`1;5A` is ctrl-up): 1 + shift(1) + alt(2) + ctrl(4). */
function modifiers(param: string | undefined): KeyInfo {
  const m = Number(param ?? 1) - 1;
  if (!(m > 0)) return {};
  return { ...(m & 1 ? { shift: true } : {}), ...(m & 2 ? { meta: true } : {}), ...(m & 4 ? { ctrl: true } : {}) };
}

/**
 * Terminal input bytes (utf-8 text) to key presses, like Ink's input parser and `useInput` (whose conventions the
 * controller follows): CSI and SS3 sequences (arrows, PgUp/PgDn, Home/End, Delete, Shift-Tab, with modifiers),
 * ctrl-letters, Alt as `meta`, and runs of printable text kept as one piece (a paste or fast typing). A sequence cut
 * between two reads waits for the rest; a lone ESC at the end of a read is kept until `flush` (the reader calls it when
 * nothing more came), since it may be the start of a sequence. Unknown sequences are dropped, never read as text.
 * A bracketed paste is one press marked `paste`, whatever it holds (newlines, `q`): text, never keys.
 */
export class KeyParser {
  private pending = '';
  /** The pasted text so far while inside a bracketed paste (its end may come in a later read). */
  private paste: string | null = null;

  /** An ESC or a cut sequence waits for more (not a paste still coming: that has no timeout). */
  hasPending(): boolean {
    return this.pending.length > 0 && this.paste === null;
  }

  /** What was waiting (a lone ESC, or a sequence cut short): Esc, the rest dropped; an unfinished paste is dropped. */
  flush(): KeyPress[] {
    const wasPaste = this.paste !== null;
    this.paste = null;
    if (!this.pending) return [];
    this.pending = '';
    return wasPaste ? [] : [{ input: '', key: { escape: true, meta: true } }];
  }

  push(chunk: string): KeyPress[] {
    let s = this.pending + chunk;
    this.pending = '';
    const out: KeyPress[] = [];
    if (this.paste !== null) {
      const end = s.indexOf(PASTE_END);
      if (end < 0) {
        // Keep a tail that may be the start of the end marker, cut between two reads.
        const keep = partialSuffix(s, PASTE_END);
        this.paste += s.slice(0, s.length - keep);
        this.pending = s.slice(s.length - keep);
        return out;
      }
      out.push({ input: this.paste + s.slice(0, end), key: { paste: true } });
      this.paste = null;
      s = s.slice(end + PASTE_END.length);
    }
    let text = '';
    const endText = () => {
      if (!text) return;
      out.push({ input: text, key: text.length === 1 && /[A-Z]/.test(text) ? { shift: true } : {} });
      text = '';
    };
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      const code = c.charCodeAt(0);
      if (code >= 0x20 && code !== 0x7f) {
        text += c;
        i++;
        continue;
      }
      endText();
      if (c !== '\x1b') {
        out.push(controlKey(c));
        i++;
        continue;
      }
      const seq = escapeSequence(s, i);
      if (seq === 'incomplete') {
        this.pending = s.slice(i);
        break;
      }
      if (s.startsWith(PASTE_START, i)) {
        this.paste = '';
        return [...out, ...this.push(s.slice(i + PASTE_START.length))];
      }
      if (seq.press) out.push(seq.press);
      i += seq.length;
    }
    endText();
    return out;
  }
}

/** How many characters at the end of `s` are a proper start of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, s.length); n > 0; n--) if (marker.startsWith(s.slice(s.length - n))) return n;
  return 0;
}

function controlKey(c: string): KeyPress {
  switch (c) {
    case '\r':
    case '\n':
      return { input: '', key: { return: true } };
    case '\t':
      return { input: '', key: { tab: true } };
    case '\x7f':
    case '\b':
      return { input: '', key: { backspace: true } };
    default: {
      const code = c.charCodeAt(0);
      // ctrl-a … ctrl-z arrive as 1 … 26; the rest (ctrl-space, ctrl-\ …) carry no letter.
      return code >= 1 && code <= 26 ? { input: String.fromCharCode(code + 96), key: { ctrl: true } } : { input: '', key: { ctrl: true } };
    }
  }
}

/**
 * `CSI code;mods u` (the "fixterms"/kitty form, sent for ctrl letters by terminals with extended keys on, such as tmux
 * with extended-keys): the same press as the plain byte would be, so ctrl-c still quits.
 */
function csiU(code: string | undefined, mod: string | undefined): KeyPress | null {
  const cp = Number(code);
  if (!Number.isInteger(cp) || cp <= 0 || cp > 0x10ffff) return null;
  const mods = modifiers(mod);
  switch (cp) {
    case 13:
      return { input: '', key: { ...mods, return: true } };
    case 9:
      return { input: '', key: { ...mods, tab: true } };
    case 27:
      return { input: '', key: { ...mods, escape: true } };
    case 127:
    case 8:
      return { input: '', key: { ...mods, backspace: true } };
  }
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20) return controlKey(ch);
  return { input: mods.shift && !mods.ctrl ? ch.toUpperCase() : ch, key: mods };
}

/** The sequence starting with ESC at `i`: its key (null when it means nothing to us) and its length. */
function escapeSequence(s: string, i: number): { press: KeyPress | null; length: number } | 'incomplete' {
  const next = s[i + 1];
  if (next === undefined) return 'incomplete';
  if (next === '[') {
    // CSI: parameters, intermediates, one final byte in @-~.
    let j = i + 2;
    while (j < s.length && /[0-?]/.test(s[j]!)) j++;
    while (j < s.length && /[ -/]/.test(s[j]!)) j++;
    if (j >= s.length) return 'incomplete';
    const final = s[j]!;
    const params = s.slice(i + 2, j);
    const length = j - i + 1;
    if (!/[@-~]/.test(final)) return { press: null, length: length - 1 };
    const [first, mod] = params.split(';');
    if (final === 'Z') return { press: { input: '', key: { tab: true, shift: true } }, length };
    if (final === 'u') return { press: csiU(first, mod), length };
    const name = final === '~' ? TILDE[first ?? ''] : CSI_FINAL[final];
    if (!name) return { press: null, length };
    return { press: { input: '', key: { ...modifiers(final === '~' ? mod : (mod ?? (first && first !== '1' ? first : undefined))), [name]: true } }, length };
  }
  if (next === 'O') {
    // SS3 (application cursor keys): ESC O A.
    const final = s[i + 2];
    if (final === undefined) return 'incomplete';
    const name = CSI_FINAL[final];
    return { press: name ? { input: '', key: { [name]: true } } : null, length: 3 };
  }
  if (next === '\x1b') return { press: { input: '', key: { escape: true, meta: true } }, length: 1 };
  const code = next.charCodeAt(0);
  if (code >= 0x20 && code !== 0x7f) {
    // Alt (meta) with a character.
    const ch = String.fromCodePoint(s.codePointAt(i + 1)!);
    return { press: { input: ch, key: { meta: true } }, length: 1 + ch.length };
  }
  // ESC then a control character: Esc, and the control character on its own.
  return { press: { input: '', key: { escape: true, meta: true } }, length: 1 };
}

export interface KeyStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(enc: BufferEncoding): unknown;
  on(event: 'readable', fn: () => void): unknown;
  off(event: 'readable', fn: () => void): unknown;
  read(): string | Buffer | null;
}

/**
 * Reads keys from the terminal in raw mode and hands them to `onKey`, one press at a time. `stop()` gives the
 * terminal back (raw mode off, no reading), for $EDITOR and at exit.
 */
export class KeyReader {
  private readonly parser = new KeyParser();
  private escTimer: NodeJS.Timeout | null = null;
  private reading = false;

  /** `escapeMs`: how long a lone ESC waits for the rest of a sequence before it counts as the Esc key. */
  constructor(
    private readonly stdin: KeyStream,
    private readonly onKey: (p: KeyPress) => void,
    private readonly escapeMs = 15,
  ) {}

  start(): void {
    if (this.reading) return;
    this.reading = true;
    if (this.stdin.isTTY) this.stdin.setRawMode?.(true);
    this.stdin.setEncoding('utf8');
    this.stdin.on('readable', this.onReadable);
    this.onReadable();
  }

  stop(): void {
    if (!this.reading) return;
    this.reading = false;
    this.stdin.off('readable', this.onReadable);
    if (this.escTimer) clearTimeout(this.escTimer);
    this.escTimer = null;
    this.parser.flush(); // a half sequence typed before the hand-off is not an action afterwards
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode?.(false);
    } catch {
      // stdin already closed
    }
  }

  private readonly onReadable = (): void => {
    if (this.escTimer) clearTimeout(this.escTimer);
    this.escTimer = null;
    let chunk: string | Buffer | null;
    while (this.reading && (chunk = this.stdin.read()) !== null) {
      for (const p of this.parser.push(String(chunk))) {
        if (!this.reading) return;
        this.onKey(p);
      }
    }
    if (this.reading && this.parser.hasPending()) {
      this.escTimer = setTimeout(() => {
        this.escTimer = null;
        for (const p of this.parser.flush()) if (this.reading) this.onKey(p);
      }, this.escapeMs);
    }
  };
}
