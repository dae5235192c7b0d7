import { describe, expect, it } from 'vitest';
import { genericDefinitions } from '../../../src/config/generic.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('generic schemes in hookdev.config.json', () => {
  it('accepts a full definition and fills defaults', () => {
    expect(genericDefinitions({ generic: [{ name: 'acme', header: 'X-Acme-Signature' }] })).toEqual([
      expect.objectContaining({ name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex' }),
    ]);
    const [d] = genericDefinitions({
      generic: [{ name: 'acme', header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', template: '{timestamp}.{body}', timestampHeader: 'X-Ts', toleranceSeconds: 60 }],
    });
    expect(d).toMatchObject({ algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', timestampHeader: 'X-Ts', toleranceSeconds: 60 });
    expect(genericDefinitions({})).toEqual([]);
  });

  it('refuses mistakes at start-up with the field named', () => {
    const bad = (g: unknown) => () => genericDefinitions({ generic: g as never });
    expect(bad({})).toThrow(ConfigError);
    expect(bad([{ name: 'acme' }])).toThrow(/"header"/);
    expect(bad([{ name: 'acme', header: 'X', algorithm: 'md5' }])).toThrow(/algorithm/);
    expect(bad([{ name: 'acme', header: 'X', encoding: 'b32' }])).toThrow(/encoding/);
    expect(bad([{ name: 'Acme Inc', header: 'X' }])).toThrow(/name/);
    expect(bad([{ name: 'acme', header: 'X', template: '{timestamp}.{body}' }])).toThrow(/timestampHeader/);
    expect(bad([{ name: 'acme', header: 7 }])).toThrow(/wrong type/);
  });
});
