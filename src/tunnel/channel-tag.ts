/**
 * What the relay's logs and metrics say instead of a channel name. A name is the secret part of a public URL
 * (whoever knows it can post to a developer's laptop), so an operator correlates one channel's lines and series
 * by its tag: `ch_` + the first 12 hex digits of sha256(name). Knowing a name, anyone can compute its tag
 * (`printf %s NAME | sha256sum | cut -c1-12`); nobody can go back from a tag to a generated name (100 random bits).
 */
import { createHash } from 'node:crypto';

/** A channel's tag. Branded, so a raw name cannot be passed where the logs and metrics expect a tag. */
export type ChannelTag = string & { readonly __channelTag: true };

export function channelTag(channel: string): ChannelTag {
  return `ch_${createHash('sha256').update(channel, 'utf8').digest('hex').slice(0, 12)}` as ChannelTag;
}

/**
 * Tags of the channels seen lately, so the per-request path (every relayed request is counted and logged) looks
 * one up instead of hashing. Bounded: past `max` channels the oldest entry goes (insertion order, no reordering on
 * a hit: a hit costs one Map lookup).
 */
export class ChannelTags {
  private readonly map = new Map<string, ChannelTag>();
  constructor(private readonly max = 10_000) {}

  of(channel: string): ChannelTag {
    let tag = this.map.get(channel);
    if (tag === undefined) {
      tag = channelTag(channel);
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
      this.map.set(channel, tag);
    }
    return tag;
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * `text` with every occurrence of `channel` replaced by its tag: for error messages of other code (a socket, the
 * store) that end up in a channel's log line and could quote the name.
 */
export function withoutChannel(text: string, channel: string, tag: ChannelTag): string {
  return channel !== '' && text.includes(channel) ? text.split(channel).join(tag) : text;
}
