import { describe, expect, it } from 'vitest';
import { parseGenericSchemes } from '../../../src/config/generic.js';
import { parseConfigFile } from '../../../src/config/file.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('generic schemes in hookdev.config.json', () => {
  it('accepts a full definition and fills defaults', () => {
    expect(parseGenericSchemes([{ name: 'acme', header: 'X-Acme-Signature' }])).toEqual([
      expect.objectContaining({ name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex' }),
    ]);
    const [d] = parseGenericSchemes([
      { name: 'acme', header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', template: '{timestamp}.{body}', timestampHeader: 'X-Ts', toleranceSeconds: 60 },
    ]);
    expect(d).toMatchObject({ algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', timestampHeader: 'X-Ts', toleranceSeconds: 60 });
    expect(parseConfigFile({}).generic).toBeUndefined();
  });

  it('refuses mistakes at start-up with the field named', () => {
    const bad = (g: unknown) => () => parseConfigFile({ generic: g });
    expect(bad({})).toThrow(ConfigError);
    expect(bad([{ name: 'acme' }])).toThrow(/^generic\[0\]\.header: required/);
    expect(bad([{ name: 'acme', header: 'X', algorithm: 'md5' }])).toThrow(/^generic\[0\]\.algorithm: expected one of/);
    expect(bad([{ name: 'acme', header: 'X', encoding: 'b32' }])).toThrow(/^generic\[0\]\.encoding/);
    expect(bad([{ name: 'Acme Inc', header: 'X' }])).toThrow(/^generic\[0\]\.name/);
    expect(bad([{ name: 'acme', header: 'X', template: '{timestamp}.{body}' }])).toThrow(/timestampHeader/);
    expect(bad([{ name: 'acme', header: 'X' }, { name: 'b', header: 7 }])).toThrow('generic[1].header: expected a string, got 7');
  });
});

describe('hookdev.config.json is checked once, with field paths', () => {
  it('accepts every documented field', () => {
    const file = parseConfigFile({
      $schema: 'x',
      secrets: { stripe: 'whsec_1', github: ['a', 'b'] },
      providers: [{ pathPrefix: '/ic', provider: 'Intercom' }],
      forwardTo: ['http://localhost:3000/hooks'],
      routes: [{ pathPrefix: '/billing', to: 'http://localhost:4000' }],
      db: 'h.db',
      port: 0,
    });
    expect(file).toMatchObject({ providers: [{ pathPrefix: '/ic', provider: 'intercom' }], port: 0, db: 'h.db' });
  });

  it('names the field of every mistake', () => {
    const err = (raw: unknown) => () => parseConfigFile(raw);
    expect(err([])).toThrow('the file: expected an object');
    expect(err({ forwardTo: ['http://a:1', 'localhost:3000'] })).toThrow(/^forwardTo\[1\]: expected a URL/);
    expect(err({ forwardTo: 'http://a:1' })).toThrow('forwardTo: expected a list');
    expect(err({ routes: [{ to: 'http://a:1', provider: 5 }] })).toThrow('routes[0].provider: expected a non-empty string');
    expect(err({ routes: [{ pathPrefix: '/x' }] })).toThrow(/^routes\[0\]\.to: expected a URL/);
    expect(err({ providers: [{ pathPrefix: '/x' }] })).toThrow('providers[0].provider: expected a non-empty string');
    expect(err({ secrets: { stripe: ['ok', 3] } })).toThrow('secrets.stripe[1]: expected a non-empty string');
    expect(err({ port: '4747' })).toThrow(/^port: expected a whole number/);
    expect(err({ db: 1 })).toThrow('db: expected a non-empty string');
    expect(err({ fowardTo: [] })).toThrow('fowardTo: unknown field');
  });
});
