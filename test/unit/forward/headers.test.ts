import { describe, expect, it } from 'vitest';
import { answerHeaders, fromRawBuffers, outgoingHeaders, stripHopByHop } from '../../../src/forward/headers.js';

describe('forward headers', () => {
  it('drops hop-by-hop headers, including those named in Connection', () => {
    expect(
      stripHopByHop([
        ['Connection', 'keep-alive, X-Private'],
        ['X-Private', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['Proxy-Connection', 'x'],
        ['Proxy-Authorization', 'y'],
        ['TE', 'trailers'],
        ['Trailer', 'X'],
        ['Transfer-Encoding', 'chunked'],
        ['Upgrade', 'h2c'],
        ['X-Kept', 'yes'],
      ]),
    ).toEqual([['X-Kept', 'yes']]);
  });

  it('keeps order, case and repeats; drops Content-Length, Expect and Host', () => {
    expect(
      outgoingHeaders([
        ['Host', 'a.test'],
        ['X-B', '1'],
        ['content-LENGTH', '3'],
        ['x-b', '2'],
        ['Expect', '100-continue'],
        ['Content-Type', 'application/json'],
      ]),
    ).toEqual([
      ['X-B', '1'],
      ['x-b', '2'],
      ['Content-Type', 'application/json'],
    ]);
  });

  it('keeps the first Host with preserveHost', () => {
    expect(outgoingHeaders([['Host', 'a.test'], ['X', '1'], ['host', 'b.test']], { preserveHost: true })).toEqual([
      ['Host', 'a.test'],
      ['X', '1'],
    ]);
  });

  it('answer headers: no hop-by-hop, no Content-Length (our server frames the body)', () => {
    expect(answerHeaders([['Content-Length', '2'], ['Connection', 'close'], ['Set-Cookie', 'a'], ['Set-Cookie', 'b']])).toEqual([
      ['Set-Cookie', 'a'],
      ['Set-Cookie', 'b'],
    ]);
  });

  it('reads undici raw header buffers as latin1 pairs', () => {
    expect(fromRawBuffers([Buffer.from('X-A'), Buffer.from('caf\xe9', 'latin1')])).toEqual([['X-A', 'caf\xe9']]);
  });
});
