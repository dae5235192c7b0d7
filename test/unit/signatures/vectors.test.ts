import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, getProvider } from '../../../src/signatures/index.js';
import type { GenericDefinition } from '../../../src/signatures/types.js';

interface Vector {
  provider: string;
  secret: string;
  verifySecret?: string;
  body: string;
  now: number;
  url?: string;
  in: Array<[string, string]>;
  out: Array<[string, string]>;
  generic?: GenericDefinition;
}

const dir = new URL('../../fixtures/signatures/', import.meta.url);
const { vectors } = JSON.parse(readFileSync(new URL('vectors.json', dir), 'utf8')) as { vectors: Vector[] };

// Every worked example of signatures.md, table-driven: exact sign output, and analyze() calls it valid.
describe('worked-example vectors (test/fixtures/signatures)', () => {
  for (const v of vectors) {
    it(`${v.provider}: ${v.out.map(([k]) => k).join(', ')}`, () => {
      const generic = v.generic ? [v.generic] : [];
      const p = getProvider(v.provider, generic)!;
      const body = readFileSync(new URL(v.body, dir));
      const url = v.url ?? 'https://example.test/hook';
      expect(p.sign({ body, headers: v.in, url, method: 'POST', secret: v.secret, now: v.now })).toEqual(v.out);
      const verdict = analyze({ body, headers: v.out, url, method: 'POST', secrets: { [v.provider]: [v.verifySecret ?? v.secret] }, now: v.now, generic, provider: v.provider });
      expect(verdict).toMatchObject({ provider: v.provider, status: 'valid' });
    });
  }
});
