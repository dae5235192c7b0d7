import { describe, expect, it } from 'vitest';
import { splitUrl } from '../../../src/forward/exchange.js';
import { targetUrl } from '../../../src/forward/target-url.js';

describe('targetUrl', () => {
  it.each([
    ['http://localhost:3000', '/stripe?x=1', 'http://localhost:3000/stripe?x=1'],
    ['http://localhost:3000/api', '/stripe?x=1', 'http://localhost:3000/api/stripe?x=1'],
    ['http://localhost:3000/api/', '/stripe', 'http://localhost:3000/api/stripe'],
    ['http://localhost:3000/hook', '/', 'http://localhost:3000/hook'],
    ['http://localhost:3000/hook', '/?a=1', 'http://localhost:3000/hook?a=1'],
    ['http://localhost:3000/api?token=t', '/in?x=1', 'http://localhost:3000/api/in?token=t&x=1'],
    ['http://localhost:3000', '/a%20b/%2F?q=%20&r', 'http://localhost:3000/a%20b/%2F?q=%20&r'],
    // raw text HTTP cannot carry (an imported row): UTF-8 %XX, escapes already there untouched
    ['http://localhost:3000', '/hooks/日本語 x/%2F?q=é', 'http://localhost:3000/hooks/%E6%97%A5%E6%9C%AC%E8%AA%9E%20x/%2F?q=%C3%A9'],
    ['http://localhost:3000/api', '/a\tb?😀', 'http://localhost:3000/api/a%09b?%F0%9F%98%80'],
  ])('%s + %s → %s', (target, captured, want) => {
    expect(targetUrl(target, captured)).toBe(want);
  });

  it('keepPath uses the target exactly', () => {
    expect(targetUrl('http://localhost:3000/webhooks', '/anything?x=1', true)).toBe('http://localhost:3000/webhooks');
  });

  it('splitUrl keeps the path bytes as they are', () => {
    expect(splitUrl('http://h:1/a%20b?x=%2F#frag')).toEqual({ origin: 'http://h:1', path: '/a%20b?x=%2F' });
    expect(splitUrl('http://h:1')).toEqual({ origin: 'http://h:1', path: '/' });
    expect(splitUrl('http://h:1?x')).toEqual({ origin: 'http://h:1', path: '/?x' });
  });
});
