import { describe, expect, it } from 'vitest';
import { parseListenOptions } from '../../../src/commands/listen.js';
import { parseIdSelector, parseIntFlag, parseSize, parseDurationFlag } from '../../../src/commands/options.js';
import { parseListFilter } from '../../../src/commands/list.js';
import { collectSecrets, secretEnvName } from '../../../src/config/secrets.js';
import { resolveDbPath } from '../../../src/config/paths.js';
import { parseDuration, parseSince } from '../../../src/core/duration.js';
import { UsageError } from '../../../src/core/errors.js';
import { maskSecret } from '../../../src/core/secrets.js';

describe('listen options', () => {
  it('has the documented defaults', () => {
    const o = parseListenOptions({}, {}, {});
    expect(o.config.host).toBe('127.0.0.1');
    expect(o.config.port).toBe(4747);
    expect(o.config.response).toEqual({ status: 200, headers: [], body: Buffer.alloc(0), delayMs: 0 });
    expect(o.config.limits).toEqual({});
    expect(o.forward).toBeNull();
    expect(o.relay).toBeNull();
  });

  it('maps forwarding and relay flags', () => {
    const o = parseListenOptions(
      { forwardTo: ['http://localhost:3000/hooks'], keepPath: true, forwardRetryFor: '5s', connectTimeout: '1s', relay: 'wss://r.example', token: 't' },
      {},
      { routes: [{ pathPrefix: '/billing', to: 'http://localhost:4000' }] },
    );
    expect(o.forward).toMatchObject({ targets: ['http://localhost:3000/hooks'], keepPath: true, retryForMs: 5000, connectTimeoutMs: 1000 });
    expect(o.forward!.routes).toHaveLength(1);
    expect(o.relay).toEqual({ url: 'wss://r.example', channel: undefined, token: 't' });
    expect(parseListenOptions({}, {}, { forwardTo: ['http://a:1'] }).forward!.targets).toEqual(['http://a:1']);
  });

  it('parses response flags and sizes', () => {
    const o = parseListenOptions(
      { port: '0', responseStatus: '503', responseBody: 'nope', responseHeader: ['Retry-After: 5', 'X-A:b'], responseDelay: '2s', maxBody: '1mb' },
      {},
      {},
    );
    expect(o.config.port).toBe(0);
    expect(o.config.response.status).toBe(503);
    expect(o.config.response.headers).toEqual([['Retry-After', '5'], ['X-A', 'b']]);
    expect(o.config.response.delayMs).toBe(2000);
    expect(o.config.limits.maxBody).toBe(1024 * 1024);
  });

  it('refuses bad values with a usage error', () => {
    expect(() => parseListenOptions({ port: 'abc' }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ port: '70000' }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ responseStatus: '99' }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ responseHeader: ['nocolon'] }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ forwardTo: ['localhost:3000'] }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ passthrough: true }, {}, {})).toThrow(UsageError);
    expect(() => parseListenOptions({ relay: 'wss://x.example' }, {}, {})).toThrow(/token/);
  });

  it('treats empty HOOKDEV_* variables as unset', () => {
    expect(resolveDbPath(undefined, { HOOKDEV_DB: '', XDG_DATA_HOME: '/x' })).toBe('/x/hookdev/hookdev.db');
    expect(resolveDbPath(undefined, { HOOKDEV_DB: '/tmp/a.db' })).toBe('/tmp/a.db');
    expect(resolveDbPath('/flag.db', { HOOKDEV_DB: '/tmp/a.db' })).toBe('/flag.db');
    expect(resolveDbPath(undefined, { HOOKDEV_DB: '' }, '/file.db')).toBe('/file.db');
    expect(resolveDbPath(undefined, { HOOKDEV_DB: '/tmp/a.db' }, '/file.db')).toBe('/tmp/a.db');
    expect(parseListenOptions({}, { HOOKDEV_PORT: '' }, {}).config.port).toBe(4747);
  });
});

describe('secrets', () => {
  it('merges flags, env and config in that order without repeats', () => {
    const map = collectSecrets(
      ['stripe=whsec_a', 'Stripe=whsec_b'],
      { HOOKDEV_SECRET_STRIPE: 'whsec_c,whsec_a', HOOKDEV_SECRET_STANDARD_WEBHOOKS: 'whsec_x', HOOKDEV_SECRET_GITHUB: '' },
      { github: 'gh', stripe: ['whsec_d'] },
    );
    expect(map).toEqual({ stripe: ['whsec_a', 'whsec_b', 'whsec_c', 'whsec_d'], 'standard-webhooks': ['whsec_x'], github: ['gh'] });
    expect(secretEnvName('standard-webhooks')).toBe('HOOKDEV_SECRET_STANDARD_WEBHOOKS');
    expect(() => collectSecrets(['nosecret'], {})).toThrow(UsageError);
  });

  it('masks all but the last 4 characters', () => {
    expect(maskSecret('whsec_abcdefgh1234')).toBe('********1234');
    expect(maskSecret('abc')).toBe('****');
  });
});

describe('small parsers', () => {
  it('ids, sizes, durations', () => {
    expect(parseIdSelector('42')).toEqual({ kind: 'id', id: 42 });
    expect(parseIdSelector('last')).toEqual({ kind: 'last' });
    expect(parseIdSelector('9..3', true)).toEqual({ kind: 'range', from: 3, to: 9, reversed: true });
    expect(parseIdSelector('3..9', true)).toEqual({ kind: 'range', from: 3, to: 9, reversed: false });
    expect(() => parseIdSelector('9..3')).toThrow(UsageError);
    // Past 2^53 Number() reads another id: refused, never looked up as a different one.
    expect(() => parseIdSelector('9007199254740993')).toThrow(/request id 9007199254740993 is too large/);
    expect(() => parseIdSelector('1..99999999999999999999', true)).toThrow(/99999999999999999999 is too large/);
    expect(parseIdSelector('9007199254740991')).toEqual({ kind: 'id', id: 9007199254740991 });
    expect(() => parseIntFlag('--limit', '99999999999999999999', 1)).toThrow(/--limit is too large, got "99999999999999999999"/);
    expect(parseSize('--max-body', '25mb')).toBe(25 * 1024 * 1024);
    expect(parseSize('--max-body', '100')).toBe(100);
    expect(() => parseSize('--max-body', 'lots')).toThrow(UsageError);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('7 days')).toBeNull();
    expect(parseDurationFlag('--delay', '250')).toBe(250);
    expect(parseSince('2026-01-01T00:00:00Z', 0)).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
  });

  it('list filters', () => {
    expect(parseListFilter({ limit: '5', method: 'post', path: '/a', since: '1h' }, 3_600_000)).toEqual({
      limit: 5, method: 'post', pathContains: '/a', since: 0,
    });
    expect(() => parseListFilter({ since: 'yesterday' }, 0)).toThrow(UsageError);
  });
});
