import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, redactUrl } from '../../../src/tunnel/relay-store-redis.js';
import type { InstanceMessage } from '../../../src/tunnel/relay-store.js';

describe('messages between relay instances', () => {
  it('round-trip every kind, answer bodies as exact bytes', () => {
    const body = Buffer.from([0, 1, 0xff, 0x0d, 0x0a]);
    const messages: InstanceMessage[] = [
      { kind: 'received', id: 'r1' },
      { kind: 'acked', id: 'r1' },
      { kind: 'answer', id: 'r1', answer: { status: 201, headers: [['X-A', '1'], ['x-a', '2']], body } },
      { kind: 'gone', id: 'r1', acked: true },
      { kind: 'revoke', channel: 'chan-a', epoch: 7 },
      { kind: 'check', channel: 'chan-a', from: 'relay-b' },
      { kind: 'check-result', channel: 'chan-a', alive: false },
    ];
    for (const m of messages) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it('ignores garbage and kinds from newer instances', () => {
    expect(decodeMessage(Buffer.from('xx'))).toBeNull();
    const future = Buffer.from(JSON.stringify({ kind: 'teleport' }));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(future.length);
    expect(decodeMessage(Buffer.concat([len, future]))).toBeNull();
  });

  it('never prints a Redis password', () => {
    expect(redactUrl('redis://:s3cret@10.0.0.5:6379/1')).toBe('redis://:****@10.0.0.5:6379/1');
    expect(redactUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
  });
});
