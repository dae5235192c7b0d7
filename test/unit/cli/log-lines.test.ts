import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { IncomingWebhook } from '../../../src/core/types.js';
import { humanLine } from '../../../src/ui/log.js';

const c = new Chalk({ level: 0 });

describe('listen log lines (issue 10, smaller items)', () => {
  it('a no-secret verdict names the flag and the variable to set', () => {
    const incoming: IncomingWebhook = {
      source: 'http', method: 'POST', url: '/svix', httpVersion: '1.1', remoteAddr: '127.0.0.1',
      headers: [], body: Buffer.from('{}'), receivedAt: 0,
    };
    const line = humanLine(c, {
      type: 'request', id: 7, incoming, duplicateOf: null, answer: { status: 200, headers: [], body: Buffer.alloc(0) },
      verdict: { provider: 'svix', eventType: null, eventId: null, status: 'no-secret', reason: 'no secret configured for svix' },
    });
    expect(line).toContain('? no secret: --secret svix=… or HOOKDEV_SECRET_SVIX');
  });

  it('the start-up banner lists forward targets and masked secrets', () => {
    const line = humanLine(c, {
      type: 'listening', url: 'http://127.0.0.1:4747', door: 'http',
      detail: { db: '/tmp/h.db', forwardTo: ['http://localhost:3000/hooks'], secrets: { stripe: ['********abcd'], github: ['****'] } },
    })!;
    expect(line.split('\n')).toEqual([
      'hookdev listening on http://127.0.0.1:4747',
      'forwarding to http://localhost:3000/hooks',
      'secrets: stripe ********abcd, github ****',
      'history /tmp/h.db · `hookdev list`, `hookdev show last` in another terminal',
    ]);
  });
});
