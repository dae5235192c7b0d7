// show's output flags each choose the whole output: `show 1 --body --json` wrote the raw bytes and dropped --json
// silently, and --url without --curl was ignored. Now one line, exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureInto } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('hookdev-qa-show-');
const db = tmp.path('h.db');

beforeAll(async () => {
  await captureInto(db, [{ path: '/hook', body: '{"a":1}', headers: [['Content-Type', 'application/json']] }]);
});
afterAll(() => tmp.cleanup());

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
