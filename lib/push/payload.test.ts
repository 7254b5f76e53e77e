import { describe, expect, it } from 'vitest';
import { encodePayload, notificationSchema, payloadEncoder } from './payload';

describe('payloadEncoder', () => {
  it('produces exactly the bytes encodePayload does, for every kind of content', () => {
    const contents = [
      { title: 'Hi' },
      {
        title: 'Spring sale ✿ "quoted"',
        body: 'Everything −20 %\nuntil Sunday',
        url: 'https://shop.example/sale',
        icon: '/icon.png',
        image: '/i.png',
        badge: '/b.png',
      },
      {
        title: 'T',
        tag: 'x',
        renotify: true,
        requireInteraction: true,
        silent: true,
        actions: [{ title: 'Open', url: '/o' }],
        data: { ref: 'not the ref', timestamp: 1, nested: [1, 'two'] },
      },
    ];
    for (const raw of contents) {
      const n = notificationSchema.parse(raw);
      const encode = payloadEncoder(n, 'ref');
      for (const ref of ['abc', 'with "quotes" and \\ backslash', 'x'.repeat(64)]) {
        const now = Date.now();
        const fast = encode(ref).toString('utf8');
        const slow = encodePayload(n, { ref }).toString('utf8');
        // The notification's own timestamp (the last one: custom data comes before it) may differ
        // by a millisecond; everything else, data.timestamp included, must match.
        const norm = (s: string) => s.replace(/"timestamp":\d+(?!.*"timestamp")/, '"timestamp":0');
        expect(norm(fast)).toBe(norm(slow));
        expect(JSON.parse(fast).timestamp).toBeGreaterThanOrEqual(now);
        expect(JSON.parse(fast).ref).toBe(ref);
      }
    }
  });
});
