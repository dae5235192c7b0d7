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
    expect(editedBody(original, written, written)).toEqual({ body: original, edited: false });
    expect(editedBody(original, written, `${written}\n`).edited).toBe(false);
    expect(editedBody(original, written, '{"a":2}\n')).toEqual({ body: Buffer.from('{"a":2}'), edited: true });
    expect(editedBody(Buffer.from('x\n'), 'x\n', 'y\n')).toEqual({ body: Buffer.from('y\n'), edited: true });
  });

  it('runs the editor on a temp file (EDITOR may carry arguments)', async () => {
    const script = tmp.path('edit.sh');
    writeFileSync(script, '#!/bin/sh\nsed -i "s/1/2/" "$2"\n');
    chmodSync(script, 0o755);
    const res = await editInEditor(Buffer.from('{"a":1}'), { env: { ...process.env, EDITOR: `${script} --flag` } });
    expect(res.edited).toBe(true);
    expect(JSON.parse(res.body.toString())).toEqual({ a: 2 });
    const same = await editInEditor(Buffer.from('{"a":1}'), { env: { ...process.env, EDITOR: 'true' } });
    expect(same).toEqual({ body: Buffer.from('{"a":1}'), edited: false });
    await expect(editInEditor(Buffer.from('x'), { env: { ...process.env, EDITOR: 'false' } })).rejects.toBeInstanceOf(EditorError);
  });
});
