import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultChannel, randomChannel } from '../../../src/config/channel.js';
import { channelProblem } from '../../../src/tunnel/channel.js';
import { makeTempDir } from '../../helpers/tmp.js';

describe('default relay channel', () => {
  it('is random, valid, and unguessable', () => {
    const a = randomChannel();
    expect(channelProblem(a)).toBeNull();
    expect(a).toMatch(/^hd-[a-z2-7]{20}$/);
    expect(new Set(Array.from({ length: 200 }, randomChannel)).size).toBe(200);
  });

  it('is generated once and kept in the user config dir, so the public URL survives restarts', () => {
    const tmp = makeTempDir();
    const env = { XDG_CONFIG_HOME: tmp.dir };
    const first = defaultChannel(env);
    expect(defaultChannel(env)).toBe(first);
    expect(readFileSync(join(tmp.dir, 'hookdev', 'channel'), 'utf8').trim()).toBe(first);
    expect(defaultChannel({ XDG_CONFIG_HOME: tmp.path('other') })).not.toBe(first);
    tmp.cleanup();
  });
});
