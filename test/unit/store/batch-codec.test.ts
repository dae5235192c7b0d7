import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../../src/store/batch-codec.js';
import type { NewRequest } from '../../../src/store/store.js';

describe('batch codec (listener → writer thread)', () => {
  it('round-trips requests with binary, empty and unicode bodies', () => {
    const mk = (body: Buffer, url: string): NewRequest => ({
      incoming: {
        source: 'http', method: 'POST', url, httpVersion: '1.1', remoteAddr: '::1',
        headers: [['A', '1'], ['a', '2']], body, receivedAt: 123, relayId: null, rejected: null,
      },
      verdict: { provider: 'github', eventType: 'push', eventId: 'x', status: 'valid', reason: 'ok' },
      responseStatus: 200,
    });
    const items = [mk(Buffer.from([0, 255, 1]), '/a'), mk(Buffer.alloc(0), '/b'), mk(Buffer.from('✓ ü'), '/c')];
    const decoded = decodeBatch(encodeBatch(items));
    expect(decoded).toHaveLength(3);
    decoded.forEach((d, i) => {
      expect(Buffer.compare(d.incoming.body, items[i]!.incoming.body)).toBe(0);
      expect({ ...d.incoming, body: null }).toEqual({ ...items[i]!.incoming, body: null });
      expect(d.verdict).toEqual(items[i]!.verdict);
      expect(d.responseStatus).toBe(200);
    });
  });
});
