// Output to a full disk (/dev/full): export stopped with "internal error" and a stack trace, and list said nothing
// and exited 0 with its output lost. Now one line naming the cause, exit 1.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { BIN, runCli } from '../helpers/cli.js';
import { send, waitFor } from '../helpers/http.js';

const { tmp, db } = historyWithOneCapture('hookdev-qa-full-');

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

  it('listen with its log on a full disk keeps capturing: said once on stderr, every request answered and kept', async () => {
    const fd = openSync('/dev/full', 'w');
    const live = tmp.path('live.db');
    const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--no-ui', '--json', '--db', live], { stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      // Its port is in the log it cannot write: find it from the history's owner instead (the kernel's table).
      const port = await waitFor(async () => listeningPort(child.pid!), { timeoutMs: 10_000 });
      for (const path of ['/a', '/b', '/c']) expect((await send(`http://127.0.0.1:${port}${path}`, { body: path })).status).toBe(200);
      const listed = await runCli(['list', '--json', '--db', live]);
      expect(listed.stdout.toString().trim().split('\n')).toHaveLength(3);
      expect(stderr).toBe('hookdev: cannot write the log to stdout: no space left on device; still serving, log lines are dropped\n');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      closeSync(fd);
    }
  });

  it('export --out /dev/full: one line, exit 1', async () => {
    const r = await runCli(['export', '--out', '/dev/full', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hookdev: cannot write the output: no space left on device\n');
  });
});

/** The TCP port a process listens on, from /proc (its log, which would say, goes nowhere); null until it binds. */
function listeningPort(pid: number): number | null {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // st 0A = LISTEN; f[9] is the socket's inode
    if (f[3] === '0A' && inodes.has(f[9]!)) return parseInt(f[1]!.split(':')[1]!, 16);
  }
  return null;
}
