// Output to a full disk (/dev/full): export stopped with "internal error" and a stack trace, and list said nothing
// and exited 0 with its output lost. Now one line naming the cause, exit 1.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { BIN, runCli } from '../helpers/cli.js';

const { db } = historyWithOneCapture('hookdev-qa-full-');


/** The real binary with its stdout on /dev/full. */
function runIntoFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync('/dev/full', 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr });
    });
  });
}

describe.skipIf(!existsSync('/dev/full'))('output to a full disk', () => {
  it.each([['export'], ['list'], ['show', 'last', '--json']])('%s > /dev/full: one line, exit 1', async (...cmd) => {
    const r = await runIntoFullDisk([...cmd, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: cannot write the output: no space left on device\n');
  });

  it('export --out /dev/full: one line, exit 1', async () => {
    const r = await runCli(['export', '--out', '/dev/full', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: cannot write the output: no space left on device\n');
  });
});
