import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/forward/failure.js';

const err = (code: string) => Object.assign(new Error('boom'), { code });

describe('classifyError', () => {
  it('by code, never by message', () => {
    expect(classifyError(err('ECONNREFUSED'), false)).toEqual({ kind: 'unreachable', message: 'connection refused' });
    expect(classifyError(err('UND_ERR_CONNECT_TIMEOUT'), false).kind).toBe('unreachable');
    expect(classifyError(err('UND_ERR_HEADERS_TIMEOUT'), false).kind).toBe('timeout');
    expect(classifyError(err('UND_ERR_SOCKET'), false).kind).toBe('stale');
    expect(classifyError(err('ECONNRESET'), false).kind).toBe('stale');
    // Once the app answered, a reset is a real failure, not an idle-socket race.
    expect(classifyError(err('ECONNRESET'), true).kind).toBe('failed');
    expect(classifyError(new Error('connection refused'), false).kind).toBe('failed');
  });
});
