import { clipLine, type Line, type Tone } from './segments.js';

const SGR: Record<Tone, string> = {
  key: '36', string: '32', number: '33', literal: '35', punct: '', dim: '2', ok: '32', bad: '31', warn: '33', accent: '35', bold: '1', plain: '',
};

let colour = true;

/** Colour off for NO_COLOR or a stream that is not a terminal; inverse video (the selection) stays either way. */
export function setColour(on: boolean): void {
  colour = on;
}

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** A line as text with SGR codes, cut to `width` cells. */
export function lineToAnsi(line: Line, width: number, inverse = false): string {
  const inv = inverse ? '\x1b[7m' : '';
  let out = inv;
  for (const seg of clipLine(line, width)) {
    const code = colour && seg.tone ? SGR[seg.tone] : '';
    out += code ? `\x1b[${code}m${seg.text}\x1b[22;39m${inv}` : seg.text;
  }
  return inverse ? `${out}\x1b[27m` : out;
}
