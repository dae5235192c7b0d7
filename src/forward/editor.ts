import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reindentJson } from '../core/json-indent.js';

/**
 * What the editor session decided:
 * - `unchanged`: the file came back as written (or only re-indented): the original bytes are sent, untouched;
 * - `edited`: the new text is sent;
 * - `emptied`: the file was saved empty or white space only, which cancels (kubectl's "Edit cancelled, saved file
 *   was empty"): nothing is sent. A body that was blank to begin with and stays blank is `unchanged`.
 */
export type EditResult =
  | { outcome: 'unchanged'; body: Buffer }
  | { outcome: 'edited'; body: Buffer }
  | { outcome: 'emptied' };

export interface EditOptions {
  env?: NodeJS.ProcessEnv;
  /** File name hint, e.g. `request-12.json`. */
  name?: string;
}

/** `$EDITOR`, else `$VISUAL`, else `vi`. May carry arguments (`code --wait`), so it runs through the shell. */
export function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.EDITOR || env.VISUAL || 'vi';
}

/** Pretty JSON is easier to edit; anything else is shown as it is. Returns null for bytes that are not UTF-8. */
export function editableText(body: Buffer): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
  // Re-indented token by token: numbers, escapes and duplicate keys stay exactly as received.
  const pretty = reindentJson(text);
  return pretty === null ? text : `${pretty}\n`;
}

/**
 * What to send after the editor closed: the original bytes when the text is as written (some editors add a final
 * newline on save: that alone is no edit; nor is re-indenting JSON without changing a token); nothing when the file
 * was emptied (white space only counts as empty, as kubectl trims); else the new text, its added final newline
 * dropped if the original had none.
 */
export function editedBody(original: Buffer, written: string, after: string): EditResult {
  if (after === written || after === `${written}\n`) return { outcome: 'unchanged', body: original };
  // Emptying a body that had nothing but white space in it is no decision to cancel: it stays as it was.
  if (after.trim() === '') return written.trim() === '' ? { outcome: 'unchanged', body: original } : { outcome: 'emptied' };
  const pretty = reindentJson(after);
  if (pretty !== null && `${pretty}\n` === written) return { outcome: 'unchanged', body: original };
  const keepNewline = original.length > 0 && original[original.length - 1] === 0x0a;
  const text = !keepNewline && after.endsWith('\n') ? after.slice(0, -1).replace(/\r$/, '') : after;
  return { outcome: 'edited', body: Buffer.from(text, 'utf8') };
}

/** Open the body in the user's editor and wait for it to exit. Throws on a binary body or a failing editor. */
export async function editInEditor(body: Buffer, opts: EditOptions = {}): Promise<EditResult> {
  const env = opts.env ?? process.env;
  const text = editableText(body);
  if (text === null) throw new EditorError('the body is not UTF-8 text, so it cannot be edited');
  const dir = await mkdtemp(join(tmpdir(), 'hookdev-edit-'));
  const file = join(dir, opts.name ?? 'body.txt');
  try {
    await writeFile(file, text, 'utf8');
    await runEditor(editorCommand(env), file, env);
    const after = await readFile(file, 'utf8');
    return editedBody(body, text, after);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The editor could not be used; the caller turns it into a user-facing error. */
export class EditorError extends Error {
  override name = 'EditorError';
}

function runEditor(command: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // On POSIX the path goes in as "$1", so no quoting of it can go wrong.
    const child =
      process.platform === 'win32'
        ? spawn(`${command} "${file}"`, { shell: true, stdio: 'inherit', env })
        : spawn('/bin/sh', ['-c', `${command} "$1"`, 'hookdev-edit', file], { stdio: 'inherit', env });
    child.once('error', (err) => reject(new EditorError(`could not start the editor "${command}": ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new EditorError(`the editor "${command}" exited with ${signal ?? `code ${code}`}; nothing was sent`));
    });
  });
}
