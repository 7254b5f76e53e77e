import { describe, expect, it } from 'vitest';
import { inProject, workerScope } from './push-client';

describe('the public API in a project', () => {
  it('leaves the default project’s calls as they were', () => {
    expect(inProject('/api/push/subscriptions', null)).toBe('/api/push/subscriptions');
    expect(inProject('/api/inbox?topics=a,b', null)).toBe('/api/inbox?topics=a,b');
  });

  it('names any other project in the URL', () => {
    expect(inProject('/api/push/subscriptions', 'shop')).toBe('/api/push/subscriptions?project=shop');
    expect(inProject('/api/inbox?topics=a%2Cb', 'shop')).toBe('/api/inbox?topics=a%2Cb&project=shop');
    expect(inProject('/api/push/receipts', 'a&b=c')).toBe('/api/push/receipts?project=a%26b%3Dc');
  });
});

describe('the service worker’s scope', () => {
  it('is / for the default project and /p/<slug>/ for the others', () => {
    expect(workerScope(null)).toBe('/');
    expect(workerScope('shop')).toBe('/p/shop/');
    expect(workerScope('a/b')).toBe('/p/a%2Fb/');
  });

  it('puts each project in its own scope, none inside another’s', () => {
    const shop = workerScope('shop');
    expect(workerScope('shopping').startsWith(shop)).toBe(false);
    expect('/p/shop'.startsWith(shop)).toBe(false); // the page itself: outside, so never .ready
  });
});
