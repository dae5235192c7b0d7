// show's output flags each choose the whole output: `show 1 --body --json` wrote the raw bytes and dropped --json
// silently, and --url without --curl was ignored. Now one line, exit 2.
import { describe, expect, it } from 'vitest';
import { historyWithOneCapture } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';

const { db } = historyWithOneCapture('hookdev-qa-show-');


describe('show output flags', () => {
  it.each([
    [['--body', '--json'], '--json and --body cannot be combined'],
    [['--curl', '--body'], '--body and --curl cannot be combined'],
    [['--url', 'http://127.0.0.1:1'], '--url only applies with --curl'],
  ])('show last %j: exit 2, nothing on stdout', async (flags, words) => {
    const r = await runCli(['show', 'last', ...flags, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(words);
    expect(r.stdout.length).toBe(0);
  });

  it('one of them alone still works', async () => {
    const r = await runCli(['show', 'last', '--body', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('{"a":1}');
  });
});
