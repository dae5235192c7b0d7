import { describe, expect, it } from 'vitest';
import { routeMatches, selectTargets } from '../../../src/forward/routes.js';

const subject = { url: '/billing/stripe?x=1', provider: 'stripe', eventType: 'invoice.paid' };

describe('routes', () => {
  it('matches only when every given field matches', () => {
    expect(routeMatches({ to: 'a' }, subject)).toBe(true);
    expect(routeMatches({ pathPrefix: '/billing', to: 'a' }, subject)).toBe(true);
    expect(routeMatches({ pathPrefix: '/billing/stripe?x', to: 'a' }, subject)).toBe(false);
    expect(routeMatches({ provider: 'Stripe', to: 'a' }, subject)).toBe(true);
    expect(routeMatches({ provider: 'github', to: 'a' }, subject)).toBe(false);
    expect(routeMatches({ eventType: 'invoice.*', provider: 'stripe', to: 'a' }, subject)).toBe(true);
    expect(routeMatches({ eventType: 'invoice.created', to: 'a' }, subject)).toBe(false);
    expect(routeMatches({ eventType: '*', to: 'a' }, { ...subject, eventType: null })).toBe(false);
  });

  it('sends to every matching route, else to the defaults', () => {
    const routes = [
      { pathPrefix: '/billing', to: 'http://b' },
      { provider: 'stripe', to: 'http://s' },
      { provider: 'stripe', to: 'http://b' },
    ];
    expect(selectTargets(routes, ['http://d'], subject)).toEqual(['http://b', 'http://s']);
    expect(selectTargets(routes, ['http://d'], { url: '/x', provider: null, eventType: null })).toEqual(['http://d']);
  });
});
