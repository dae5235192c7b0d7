import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { editableText, editedBody, editInEditor, EditorError, editorCommand } from '../../../src/forward/editor.js';
import { makeTempDir } from '../../helpers/tmp.js';

const tmp = makeTempDir('hookdev-editor-');
afterAll(() => tmp.cleanup());

describe('editor', () => {
  it('picks EDITOR, then VISUAL, then vi', () => {
    expect(editorCommand({ EDITOR: 'nano', VISUAL: 'code' })).toBe('nano');
    expect(editorCommand({ VISUAL: 'code --wait' })).toBe('code --wait');
    expect(editorCommand({})).toBe('vi');
  });

  it('pretty-prints JSON objects for editing; refuses non-UTF-8', () => {
    expect(editableText(Buffer.from('{"a":1}'))).toBe('{\n  "a": 1\n}\n');
    expect(editableText(Buffer.from('plain\r\ntext'))).toBe('plain\r\ntext');
    expect(editableText(Buffer.from([0xff, 0xfe]))).toBeNull();
  });

  it('an unchanged file (or one with only a final newline added) sends the original bytes', () => {
    const original = Buffer.from('{"a":1}');
    const written = '{\n  "a": 1\n}\n';
    expect(editedBody(original, written, written)).toEqual({ outcome: 'unchanged', body: original });
    expect(editedBody(original, written, `${written}\n`).outcome).toBe('unchanged');
    expect(editedBody(original, written, '{"a":2}\n')).toEqual({ outcome: 'edited', body: Buffer.from('{"a":2}') });
    expect(editedBody(Buffer.from('x\n'), 'x\n', 'y\n')).toEqual({ outcome: 'edited', body: Buffer.from('y\n') });
  });

  it('a file saved empty, or with white space only, cancels (kubectl trims too)', () => {
    const original = Buffer.from('{"a":1}');
    const written = '{\n  "a": 1\n}\n';
    for (const after of ['', '\n', '  \n\t\r\n', '\u00a0\n', '\ufeff']) {
      expect(editedBody(original, written, after)).toEqual({ outcome: 'emptied' });
    }
    // A plain-text body too, and one of a single character.
    expect(editedBody(Buffer.from('x'), 'x', '')).toEqual({ outcome: 'emptied' });
    // Anything that is not white space is an edit, however short.
    expect(editedBody(original, written, '0')).toEqual({ outcome: 'edited', body: Buffer.from('0') });
  });

  it('a body that was empty (or blank) and is left so is unchanged, not cancelled', () => {
    const empty = Buffer.alloc(0);
    expect(editedBody(empty, '', '')).toEqual({ outcome: 'unchanged', body: empty });
    expect(editedBody(empty, '', '\n')).toEqual({ outcome: 'unchanged', body: empty });
    expect(editedBody(empty, '', '  \n')).toEqual({ outcome: 'unchanged', body: empty });
    const blank = Buffer.from(' \r\n');
    expect(editedBody(blank, ' \r\n', '')).toEqual({ outcome: 'unchanged', body: blank });
    // Given text where there was none, it is an edit.
    expect(editedBody(empty, '', '{"a":1}\n')).toEqual({ outcome: 'edited', body: Buffer.from('{"a":1}') });
  });

  it('runs the editor on a temp file (EDITOR may carry arguments)', async () => {
    const script = tmp.path('edit.sh');
    writeFileSync(script, '#!/bin/sh\nsed -i "s/1/2/" "$2"\n');
    chmodSync(script, 0o755);
    const res = await editInEditor(Buffer.from('{"a":1}'), { env: { ...process.env, EDITOR: `${script} --flag` } });
    expect(res.outcome).toBe('edited');
    expect(res.outcome === 'edited' && JSON.parse(res.body.toString())).toEqual({ a: 2 });
    const same = await editInEditor(Buffer.from('{"a":1}'), { env: { ...process.env, EDITOR: 'true' } });
    expect(same).toEqual({ outcome: 'unchanged', body: Buffer.from('{"a":1}') });
    const emptied = await editInEditor(Buffer.from('{"a":1}'), { env: { ...process.env, EDITOR: 'truncate -s 0' } });
    expect(emptied).toEqual({ outcome: 'emptied' });
    await expect(editInEditor(Buffer.from('x'), { env: { ...process.env, EDITOR: 'false' } })).rejects.toBeInstanceOf(EditorError);
  });
});
