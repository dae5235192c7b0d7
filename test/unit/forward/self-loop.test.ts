import { describe, expect, it } from 'vitest';
import { carriesHop, targetIsSelf } from '../../../src/forward/self-loop.js';
import { headerProblem, parseSendableHeader } from '../../../src/core/header-validate.js';
import { UsageError } from '../../../src/core/errors.js';

describe('targetIsSelf', () => {
  const loop = { host: '127.0.0.1', port: 4747 };
  it('catches the listener itself by address, loopback name or wildcard', () => {
    expect(targetIsSelf('http://127.0.0.1:4747/x', loop)).toBe(true);
    expect(targetIsSelf('http://localhost:4747', loop)).toBe(true);
    expect(targetIsSelf('http://0.0.0.0:4747', loop)).toBe(true);
    expect(targetIsSelf('http://[::1]:4747', { host: '::1', port: 4747 })).toBe(true);
    const any = { host: '0.0.0.0', port: 80, localAddresses: ['10.0.0.5'] };
    expect(targetIsSelf('http://10.0.0.5/hooks', any)).toBe(true);
    expect(targetIsSelf('http://127.0.0.1/hooks', any)).toBe(true);
  });
  it('leaves other ports, other hosts and https-default ports alone', () => {
    expect(targetIsSelf('http://127.0.0.1:3000', loop)).toBe(false);
    expect(targetIsSelf('http://127.0.0.2:4747', loop)).toBe(false);
    expect(targetIsSelf('http://example.com:4747', loop)).toBe(false);
    expect(targetIsSelf('https://127.0.0.1', { host: '127.0.0.1', port: 80 })).toBe(false);
    expect(targetIsSelf('not a url', loop)).toBe(false);
  });
});

describe('carriesHop', () => {
  it('finds our id among any Hookdev-Hop headers, any case, comma lists too', () => {
    expect(carriesHop([['Hookdev-Hop', 'aaa'], ['hookdev-hop', 'bbb, ccc']], 'ccc')).toBe(true);
    expect(carriesHop([['Hookdev-Hop', 'aaa']], 'aa')).toBe(false);
    expect(carriesHop([['X-Other', 'ccc']], 'ccc')).toBe(false);
  });
});

describe('parseSendableHeader', () => {
  it('refuses what node:http would refuse to send, naming the flag', () => {
    expect(parseSendableHeader('--set-header', 'X-A:  b ')).toEqual(['X-A', 'b']);
    expect(parseSendableHeader('--set-header', 'X-Latin: café')).toEqual(['X-Latin', 'café']);
    expect(() => parseSendableHeader('--set-header', 'X-Euro: 5€')).toThrow(UsageError);
    expect(() => parseSendableHeader('--response-header', 'X: a\nb')).toThrow(/--response-header/);
    expect(() => parseSendableHeader('-H', 'no colon')).toThrow(/expects 'Name: value'/);
    expect(headerProblem('X', 'a\u0000b')).toMatch(/U\+0000/);
    expect(headerProblem('Bad Name', 'v')).toMatch(/not a valid header name/);
  });
});
