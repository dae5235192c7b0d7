import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { applyOverride, firstNumberSpan, getJsonPath, parseSetArg, setFormParam, setJsonPath } from '../../../src/send/json-edit.js';

const set = (text: string, arg: string) => {
  const o = parseSetArg(arg);
  return setJsonPath(text, o.path, o.value);
};

describe('--set parsing', () => {
  it('takes JSON values, and anything else as a string', () => {
    expect(parseSetArg('data.object.amount=5000')).toEqual({ path: ['data', 'object', 'amount'], value: '5000' });
    expect(parseSetArg('a=true').value).toBe('true');
    expect(parseSetArg('a={"x":[1,2]}').value).toBe('{"x":[1,2]}');
    expect(parseSetArg('currency=eur').value).toBe('"eur"');
    expect(parseSetArg('note=a=b').value).toBe('"a=b"');
    expect(parseSetArg('empty=').value).toBe('""');
  });
  it('refuses a missing path or an empty segment, as a usage error', () => {
    for (const bad of ['=1', 'nothing', 'a..b=1', '.a=1', 'a.=1']) expect(() => parseSetArg(bad)).toThrow(UsageError);
  });
});

describe('setJsonPath keeps every other byte', () => {
  const body = '{\n  "id": "evt_1",\n  "big": 12345678901234567890,\n  "f": 1.0,\n  "esc": "\\u00e9\\n",\n  "data": {"object": {"amount": 2000, "list": [1, {"x": 2}]}}\n}';
  it('replaces a nested value in place', () => {
    const out = set(body, 'data.object.amount=5000');
    expect(out).toBe(body.replace('"amount": 2000', '"amount": 5000'));
  });
  it('reaches into arrays by index', () => {
    expect(set(body, 'data.object.list.1.x=3')).toBe(body.replace('{"x": 2}', '{"x": 3}'));
  });
  it('adds a missing key to its object, and creates missing objects', () => {
    const out = set(body, 'data.object.currency=eur');
    expect(out).toContain('"list": [1, {"x": 2}],"currency":"eur"}');
    expect(JSON.parse(set(body, 'meta.a.b=1')).meta).toEqual({ a: { b: 1 } });
    expect(set('{}', 'a=1')).toBe('{"a":1}');
    expect(set('{ }', 'a=1')).toBe('{ "a":1}');
  });
  it('says which part of the path is not an object', () => {
    expect(() => set(body, 'id.x=1')).toThrow(/--set id\.x: id is not an object/);
    expect(() => set(body, 'data.object.list.9=1')).toThrow(/has no item 9/);
    expect(() => set('not json', 'a=1')).toThrow(/not valid JSON/);
    expect(() => set('{"a":1} trailing', 'a=2')).not.toThrow(); // the first value is edited; the rest is kept
  });
  it('reads a value back by path', () => {
    expect(getJsonPath(body, ['data', 'object', 'amount'])).toBe('2000');
    expect(getJsonPath(body, ['esc'])).toBe('"\\u00e9\\n"');
    expect(getJsonPath(body, ['nope'])).toBeUndefined();
  });
  it('finds the first number value (not a digit inside a key or string)', () => {
    const t = '{"k1":"v2","n":{"x":-42.5}}';
    const span = firstNumberSpan(t)!;
    expect(t.slice(span[0], span[1])).toBe('-42.5');
    expect(firstNumberSpan('{"a":"1"}')).toBeNull();
  });
});

describe('form bodies', () => {
  it('sets one parameter and keeps the other pairs byte-exact', () => {
    const form = 'To=%2B1555&Body=h%C3%A9+there&MessageSid=SM1';
    expect(setFormParam(form, 'MessageSid', 'SM 2')).toBe('To=%2B1555&Body=h%C3%A9+there&MessageSid=SM+2');
    expect(setFormParam(form, 'New', 'x')).toBe(`${form}&New=x`);
    expect(applyOverride(form, 'application/x-www-form-urlencoded', parseSetArg('Body=hi'))).toBe('To=%2B1555&Body=hi&MessageSid=SM1');
  });
});

describe('respace', () => {
  it('pretty-prints compact JSON and compacts pretty JSON, keeping every value byte', async () => {
    const { respace } = await import('../../../src/send/json-edit.js');
    const compact = '{"a":12345678901234567890,"b":[1.0,{}],"s":"x, y: {z}","e":[],"u":"\\u00e9"}';
    const pretty = respace(compact)!;
    expect(pretty).toBe('{\n  "a": 12345678901234567890,\n  "b": [\n    1.0,\n    {}\n  ],\n  "s": "x, y: {z}",\n  "e": [],\n  "u": "\\u00e9"\n}');
    expect(respace(pretty)).toBe(compact);
    expect(respace('a=1&b=2')).toBeNull();
  });
});
