import { describe, expect, it } from 'vitest';
import { randomChannel } from '../../../src/config/channel.js';
import { ChannelTags, channelTag, withoutChannel } from '../../../src/tunnel/channel-tag.js';

describe('channelTag', () => {
  it('is ch_ + the first 12 hex digits of sha256(name)', () => {
    // printf %s my-laptop | sha256sum | cut -c1-12
    expect(channelTag('my-laptop')).toBe('ch_b63f8723baa3');
    // printf %s hd-abcdefghijklmnopqrst | sha256sum | cut -c1-12
    expect(channelTag('hd-abcdefghijklmnopqrst')).toBe('ch_fda1b518ddcf');
  });

  it('never contains the name, and differs between names', () => {
    const names = Array.from({ length: 200 }, () => randomChannel());
    const tags = names.map(channelTag);
    for (const [i, t] of tags.entries()) {
      expect(t).toMatch(/^ch_[0-9a-f]{12}$/);
      expect(t).not.toContain(names[i]);
    }
    expect(new Set(tags).size).toBe(names.length);
  });
});

describe('ChannelTags', () => {
  it('gives the same tags as channelTag, and keeps at most max channels', () => {
    const tags = new ChannelTags(2);
    expect(tags.of('chan-a')).toBe(channelTag('chan-a'));
    expect(tags.of('chan-b')).toBe(channelTag('chan-b'));
    expect(tags.of('chan-c')).toBe(channelTag('chan-c'));
    expect(tags.of('chan-a')).toBe(channelTag('chan-a'));
    expect(tags.size).toBe(2);
  });
});

describe('withoutChannel', () => {
  it('replaces every occurrence of the name by its tag', () => {
    const tag = channelTag('my-laptop');
    expect(withoutChannel('GET /my-laptop/x failed for my-laptop', 'my-laptop', tag)).toBe(`GET /${tag}/x failed for ${tag}`);
    expect(withoutChannel('socket hang up', 'my-laptop', tag)).toBe('socket hang up');
  });
});
