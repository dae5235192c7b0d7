// Export → import of a body of several MB: the base64 check was a regexp with a repeated group that overflowed the
// stack from about 6 MB of body, so import stopped with "internal error: Maximum call stack size exceeded".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureInto } from '../helpers/forward-replay.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { openStore } from '../../src/store/index.js';

const tmp = makeTempDir('hookdev-qa-import-big-');
const from = tmp.path('from.db');
const to = tmp.path('to.db');
// 10 MB of JSON: under the capture limit (25 MB), over the size that overflowed the old check.
const body = Buffer.from(`{"blob":"${'x'.repeat(10 * 1024 * 1024)}"}`);

beforeAll(async () => {
  await captureInto(from, [{ path: '/big', body, headers: [['Content-Type', 'application/json']] }]);
});
afterAll(() => tmp.cleanup());

describe('import of a big body', () => {
  it('round-trips a 10 MB body byte for byte, exit 0', async () => {
    const file = tmp.path('big.ndjson');
    const ex = await runCli(['export', '--out', file, '--db', from]);
    expect(ex.code).toBe(0);
    const im = await runCli(['import', file, '--db', to]);
    expect(im.stderr).not.toContain('internal error');
    expect(im.code).toBe(0);
    expect(im.stderr).toContain('imported 1 request');
    const store = openStore(to);
    try {
      expect(store.count()).toBe(1);
      expect(Buffer.compare(store.last()!.body, body)).toBe(0);
    } finally {
      store.close();
    }
  });
});
