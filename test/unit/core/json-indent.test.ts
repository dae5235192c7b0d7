import { describe, expect, it } from 'vitest';
import { reindentJson } from '../../../src/core/json-indent.js';

describe('reindentJson', () => {
  it('keeps every token exactly as written: big integers, escapes, 1.0, duplicate keys', () => {
    const text = '{"big":12345678901234567890,"e":"\\u00e9","f":1.0}';
    expect(reindentJson(text)).toBe('{\n  "big": 12345678901234567890,\n  "e": "\\u00e9",\n  "f": 1.0\n}');
    expect(reindentJson('{"a":1,"a":2}')).toBe('{\n  "a": 1,\n  "a": 2\n}');
    expect(reindentJson('["\\"\\\\\\/\\b\\f\\n\\r\\t", -0.5e-10, 1E+2]')).toBe('[\n  "\\"\\\\\\/\\b\\f\\n\\r\\t",\n  -0.5e-10,\n  1E+2\n]');
  });

  it('lays out like JSON.stringify(value, null, 2) where values round-trip', () => {
    const docs = [
      { a: 1, b: [1, 2, { c: null, d: true, e: false }], f: {}, g: [], h: 'x y' },
      [[], [[]], {}, [{}], 'é', -3, 0.25],
      { nested: { deeper: { deepest: [1, [2, [3]]] } } },
    ];
    for (const doc of docs) {
      const compact = JSON.stringify(doc);
      const spaced = JSON.stringify(doc, null, '\t').replace(/\n/g, '\r\n ');
      expect(reindentJson(compact)).toBe(JSON.stringify(doc, null, 2));
      expect(reindentJson(spaced)).toBe(JSON.stringify(doc, null, 2));
      expect(reindentJson(compact, '    ')).toBe(JSON.stringify(doc, null, 4));
    }
  });

  it('returns null for scalars and anything that is not JSON', () => {
    for (const text of ['', '1', '"s"', 'null', '{', '{"a":}', '{"a":1,}', '[1 2]', '{a:1}', '[01]', '[1.]', "['x']",
      '["\u0001"]', '["\\x"]', '{"a":1} x', '[tru]', '{"a" 1}', '[1]]', '[-]', '{"a":1', '[', ']']) {
      expect(reindentJson(text), JSON.stringify(text)).toBeNull();
    }
    expect(reindentJson('['.repeat(5000) + ']'.repeat(5000))).toBeNull();
  });

  it('allows white space around the document, which it drops', () => {
    expect(reindentJson(' \n{ "a" : [ 1 , 2 ] }\r\n')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  });
});
