import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES } from './constants';
import {
  declarativePayloadSchema,
  encodePayload,
  LONGEST_LINKS,
  measurePayload,
  notificationSchema,
  payloadEncoder,
  pointerPayload,
  type LinkBase,
} from './payload';

const links: LinkBase = { click: 'https://push.example.com/c/', home: 'https://shop.example/' };
const REF = 'A'.repeat(30) + '_-' + 'b'.repeat(32);

const contents = [
  { title: 'Hi' },
  {
    title: 'Spring sale ✿ "quoted"',
    body: 'Everything −20 %\nuntil Sunday',
    url: 'https://shop.example/sale',
    icon: '/icon.png',
    image: '/i.png',
    badge: '/b.png',
    lang: 'pt-BR',
    dir: 'ltr',
    appBadge: 3,
  },
  {
    title: 'T',
    tag: 'x',
    renotify: true,
    requireInteraction: true,
    silent: true,
    actions: [
      { title: 'Open', url: '/o' },
      { title: 'Later', url: 'https://elsewhere.example/l?x=1' },
    ],
    data: { ref: 'not the ref', timestamp: 1, nested: [1, 'two'], mark: '~00~' },
  },
];

const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test;

describe('the push payload', () => {
  it('is a Declarative Web Push envelope WebKit accepts, with the legacy fields beside it', () => {
    for (const raw of contents) {
      const n = notificationSchema.parse(raw);
      const p = parse(encodePayload(n, links, { ref: REF }));
      expect(() => declarativePayloadSchema.parse(p)).not.toThrow();
      expect(p.web_push).toBe(8030); // a number: the string "8030" is not accepted
      expect(p.mutable).toBe(true);
      expect(p.notification.mutable).toBe(true); // where WebKit and Firefox read it
      expect(p.notification.title).toBe(n.title);
      // Clicks go through the tracking redirect, which records them and forwards.
      expect(p.notification.navigate).toBe(`https://push.example.com/c/${REF}`);
      // Legacy fields, for workers that predate the envelope.
      expect(p.title).toBe(n.title);
      expect(p.ref).toBe(REF);
      expect(p.url).toBe(n.url);
      expect(typeof p.timestamp).toBe('number');
    }
  });

  it('sends exact types, absolute links and one click link per action', () => {
    const rich = parse(encodePayload(notificationSchema.parse(contents[1]), links, { ref: REF }));
    expect(rich.notification).toEqual({
      title: 'Spring sale ✿ "quoted"',
      navigate: `https://push.example.com/c/${REF}`,
      body: 'Everything −20 %\nuntil Sunday',
      icon: 'https://shop.example/icon.png', // relative icons resolve against the site
      lang: 'pt-BR',
      dir: 'ltr',
      app_badge: 3,
      mutable: true,
    });
    const buttons = parse(encodePayload(notificationSchema.parse(contents[2]), links, { ref: REF }));
    expect(buttons.notification.silent).toBe(true);
    expect(buttons.notification.requireInteraction).toBe(true);
    expect(buttons.notification.actions).toEqual([
      { action: 'a0', title: 'Open', navigate: `https://push.example.com/c/${REF}/0` },
      { action: 'a1', title: 'Later', navigate: `https://push.example.com/c/${REF}/1` },
    ]);
    expect(buttons.actions).toEqual([
      { action: 'a0', title: 'Open', url: '/o' },
      { action: 'a1', title: 'Later', url: 'https://elsewhere.example/l?x=1' },
    ]);
    // Custom data travels once, in the legacy field the worker reads.
    expect(buttons.notification.data).toBeUndefined();
    expect(buttons.data.mark).toBe('~00~');
  });

  it('without a receipt reference (a test send) links straight to the target, made absolute', () => {
    const p = parse(encodePayload(notificationSchema.parse({ title: 'T', url: '/deals', actions: [{ title: 'A', url: '/a' }] }), links));
    expect(p.notification.navigate).toBe('https://shop.example/deals');
    expect(p.notification.actions[0].navigate).toBe('https://shop.example/a');
    expect(parse(encodePayload(notificationSchema.parse({ title: 'T' }), links)).notification.navigate).toBe('https://shop.example/');
  });

  it('refuses what WebKit would drop the whole message for', () => {
    const good = parse(encodePayload(notificationSchema.parse({ title: 'T' }), links, { ref: REF }));
    const bad = [
      { ...good, web_push: '8030' },
      { ...good, notification: { ...good.notification, silent: 'true' } },
      { ...good, notification: { ...good.notification, navigate: '/relative' } },
      { ...good, notification: { ...good.notification, title: '' } },
      { ...good, notification: { ...good.notification, app_badge: '3x' } },
      { ...good, notification: { ...good.notification, dir: 'up' } },
    ];
    for (const p of bad) expect(declarativePayloadSchema.safeParse(p).success).toBe(false);
    // And the composer's schema refuses the inputs that would produce them.
    expect(notificationSchema.safeParse({ title: 'T', silent: 'true' }).success).toBe(false);
    expect(notificationSchema.safeParse({ title: 'T', appBadge: '3' }).success).toBe(false);
    expect(notificationSchema.safeParse({ title: 'T', lang: 'not a tag' }).success).toBe(false);
    expect(notificationSchema.safeParse({ title: 'T', dir: 'up' }).success).toBe(false);
  });

  it('is declarative when it points at stored content, the worker fetching the rest', () => {
    const n = notificationSchema.parse({ title: 'x'.repeat(200), body: 'long', url: '/read' });
    const p = parse(pointerPayload(n, { messageId: 'm1', token: 't1' }, links, { ref: REF }));
    expect(() => declarativePayloadSchema.parse(p)).not.toThrow();
    expect(p.notification).toEqual({ title: 'x'.repeat(120), navigate: `https://push.example.com/c/${REF}`, mutable: true });
    expect(p).toMatchObject({ m: 'm1', k: 't1', ref: REF, title: 'x'.repeat(120) });
  });
});

describe('payloadEncoder', () => {
  it('produces exactly the bytes encodePayload does, for every kind of content', () => {
    for (const raw of contents) {
      const n = notificationSchema.parse(raw);
      const encode = payloadEncoder(n, links);
      for (const ref of ['abc', REF, 'x'.repeat(64)]) {
        const now = Date.now();
        const fast = encode(ref).toString('utf8');
        const slow = encodePayload(n, links, { ref }).toString('utf8');
        // The notification's own timestamp may differ by a millisecond; everything else, the
        // custom data's timestamp included, must match.
        const norm = (s: string) => s.replace(/"timestamp":\d+,"ref"/, '"timestamp":0,"ref"');
        expect(norm(fast)).toBe(norm(slow));
        expect(JSON.parse(fast).timestamp).toBeGreaterThanOrEqual(now);
        expect(JSON.parse(fast).ref).toBe(ref);
        expect(JSON.parse(fast).notification.navigate).toBe(`https://push.example.com/c/${ref}`);
      }
    }
  });

  it('refuses a reference that could break out of a URL or a JSON string', () => {
    const encode = payloadEncoder(notificationSchema.parse({ title: 'T' }), links);
    for (const ref of ['a"b', 'a/b', 'a b', '']) expect(() => encode(ref)).toThrow();
  });
});

describe('measurePayload', () => {
  it('counts the whole envelope with the longest links, so what it passes always fits', () => {
    for (const raw of contents) {
      const n = notificationSchema.parse(raw);
      const measured = measurePayload(n).bytes;
      expect(measured).toBe(encodePayload(n, LONGEST_LINKS, { ref: 'x'.repeat(64) }).length);
      expect(encodePayload(n, links, { ref: REF }).length).toBeLessThanOrEqual(measured);
    }
    const big = notificationSchema.parse({
      title: 'x'.repeat(200),
      body: 'y'.repeat(1000),
      actions: [{ title: 'z', url: 'https://a.example/' + 'q'.repeat(1900) }],
    });
    expect(measurePayload(big).fits).toBe(measurePayload(big).bytes <= MAX_PAYLOAD_BYTES);
    expect(measurePayload(big).fits).toBe(false);
  });
});
