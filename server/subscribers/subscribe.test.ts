/**
 * The public subscription API through its real route handlers (JSON parsing, limits, status
 * codes, CORS) on a real database. Outside clients depend on these exact shapes.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as getKey } from '../../app/api/push/vapid-public-key/route';
import { POST as lookupRoute } from '../../app/api/push/subscriptions/lookup/route';
import { DELETE as del, POST as post } from '../../app/api/push/subscriptions/route';
import { GET as getTopics } from '../../app/api/push/topics/route';
import { subscriptions, subscriptionTopics, topics, vapidKeys } from '../../db/schema';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { createTopic } from '../topics/mutations';
import { forgetActiveKeyCache } from '../vapid/keys';
import { activateVapidKey, ensureActiveVapidKey, generateVapidKey } from '../vapid/mutations';

let tdb: TestDatabase;
let ipCounter = 0;
beforeAll(async () => {
  // Only the real push services here (the suite's default also lists the local test server).
  process.env.PUSH_ALLOWED_HOSTS = 'default';
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  const root = ctxFor(tdb);
  await createTopic(root, { slug: 'news', name: 'News' });
  await createTopic(root, { slug: 'offers', name: 'Offers' });
  await createTopic(root, { slug: 'vip', name: 'VIP', isPublic: 'false' });
});
afterAll(async () => {
  await tdb?.dispose();
});
beforeEach(async () => {
  await tdb.db.delete(subscriptions);
  forgetActiveKeyCache();
});

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}
const endpoint = () => `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`;

function request(method: string, body: unknown, headers: Record<string, string> = {}, path = '/api/push/subscriptions') {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-pushdeck-client-ip': `198.51.100.${++ipCounter % 250}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const sub = (over: Record<string, unknown> = {}) => ({
  subscription: { endpoint: endpoint(), expirationTime: null, keys: browserKeys() },
  topics: ['news'],
  ...over,
});
const stored = async () => Number((await tdb.db.select({ n: count() }).from(subscriptions))[0]!.n);

describe('GET /api/push/vapid-public-key', () => {
  it('gives the active key as base64url JSON or as the raw 65 bytes', async () => {
    const res = await getKey(new Request('http://localhost/api/push/vapid-public-key'));
    expect(res.status).toBe(200);
    const { publicKey } = await res.json();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    const [active] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    expect(publicKey).toBe(active!.publicKey);
    const raw = await getKey(new Request('http://localhost/api/push/vapid-public-key', { headers: { accept: 'application/octet-stream' } }));
    expect(raw.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(publicKey, 'base64url'))).toBe(true);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST /api/push/subscriptions', () => {
  it('creates (201), then updates the same endpoint (200): topics replaced, keys updated', async () => {
    const body = sub({ topics: ['news', 'offers', 'news'] });
    const r1 = await post(request('POST', body));
    expect(r1.status).toBe(201);
    const j1 = await r1.json();
    expect(j1).toEqual({ id: expect.any(String), topics: ['news', 'offers'] });

    const keys = browserKeys();
    const r2 = await post(request('POST', { subscription: { ...body.subscription, keys }, topics: ['offers'] }));
    expect(r2.status).toBe(200);
    expect(await r2.json()).toEqual({ id: j1.id, topics: ['offers'] });
    const [row] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, j1.id));
    expect(row).toMatchObject({ p256dh: keys.p256dh, auth: keys.auth, status: 'active', pushService: 'fcm.googleapis.com' });
    expect(row!.vapidKeyId).not.toBeNull();
    const memberships = await tdb.db.select().from(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, j1.id));
    expect(memberships).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"subscription":', 400, 'bad_request'],
    ['an empty body', '', 400, 'bad_request'],
    ['no subscription', { topics: [] }, 400, 'validation_failed'],
    ['keys missing', { subscription: { endpoint: endpoint() } }, 400, 'validation_failed'],
    ['wrong types', { subscription: { endpoint: 42, keys: { p256dh: 1, auth: 2 } } }, 400, 'validation_failed'],
    ['non-base64url keys', { subscription: { endpoint: endpoint(), keys: { p256dh: 'a+b/c', auth: '!!' } } }, 400, 'validation_failed'],
    ['too many topics', sub({ topics: Array.from({ length: 51 }, (_, i) => `t${i}`) }), 400, 'validation_failed'],
    ['a topic slug too long', sub({ topics: ['x'.repeat(65)] }), 400, 'validation_failed'],
    ['an http endpoint', sub({ subscription: { endpoint: 'http://fcm.googleapis.com/fcm/send/x', keys: browserKeys() } }), 422, 'unprocessable'],
    ['an unknown push service', sub({ subscription: { endpoint: 'https://attacker.example/collect', keys: browserKeys() } }), 422, 'unprocessable'],
    ['a loopback IP literal', sub({ subscription: { endpoint: 'https://127.0.0.1/x', keys: browserKeys() } }), 422, 'unprocessable'],
    ['a hex IP literal', sub({ subscription: { endpoint: 'https://0x7f000001/x', keys: browserKeys() } }), 422, 'unprocessable'],
    ['an IPv4-mapped IPv6 literal', sub({ subscription: { endpoint: 'https://[::ffff:169.254.169.254]/x', keys: browserKeys() } }), 422, 'unprocessable'],
    [
      'p256dh not on the curve',
      sub({
        subscription: {
          endpoint: endpoint(),
          keys: { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 9)]).toString('base64url'), auth: randomBytes(16).toString('base64url') },
        },
      }),
      422,
      'unprocessable',
    ],
    [
      'p256dh compressed',
      sub({ subscription: { endpoint: endpoint(), keys: { p256dh: Buffer.alloc(33, 2).toString('base64url'), auth: randomBytes(16).toString('base64url') } } }),
      422,
      'unprocessable',
    ],
    [
      'auth of 15 bytes',
      sub({ subscription: { endpoint: endpoint(), keys: { p256dh: browserKeys().p256dh, auth: randomBytes(15).toString('base64url') } } }),
      422,
      'unprocessable',
    ],
    ['an unknown topic', sub({ topics: ['news', 'nope'] }), 422, 'unprocessable'],
    ['a private topic', sub({ topics: ['vip'] }), 422, 'unprocessable'],
    ['an unknown VAPID key', sub({ vapidPublicKey: browserKeys().p256dh }), 422, 'unprocessable'],
  ])('refuses %s and stores nothing', async (_what, body, status, code) => {
    const res = await post(request('POST', body));
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json.error.code).toBe(code);
    expect(typeof json.error.message).toBe('string');
    expect(json.error.message.length).toBeGreaterThan(5);
    // A schema failure names its fields (the error-code rule in ARCHITECTURE.md).
    if (code === 'validation_failed') expect(Object.keys(json.error.fields ?? {}).length).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await stored()).toBe(0);
  });

  it('refuses a non-JSON media type (415) and a huge body (413)', async () => {
    const r1 = await post(request('POST', JSON.stringify(sub()), { 'content-type': 'text/plain' }));
    expect(r1.status).toBe(415);
    const big = sub({ padding: 'x'.repeat(20_000) });
    const r2 = await post(request('POST', big));
    expect(r2.status).toBe(413);
    expect((await r2.json()).error.code).toBe('payload_too_large');
    expect(await stored()).toBe(0);
  });

  it('records the key the browser names; a rotated page re-subscribes and the old endpoint ends', async () => {
    const [oldKey] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const first = sub();
    const r1 = await (await post(request('POST', first))).json();
    const newKey = await generateVapidKey(ctxFor(tdb), { subject: 'mailto:ops@example.com', activate: true });
    forgetActiveKeyCache();
    // A stale page that still used the old (now retired) key is recorded with that key.
    const stale = sub({ vapidPublicKey: oldKey!.publicKey });
    const r2 = await (await post(request('POST', stale))).json();
    const [staleRow] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, r2.id));
    expect(staleRow!.vapidKeyId).toBe(oldKey!.id);
    // Re-subscribing with the new key replaces the old endpoint in one step.
    const moved = sub({ vapidPublicKey: newKey.publicKey, previousEndpoint: first.subscription.endpoint, topics: ['news', 'offers'] });
    const r3 = await post(request('POST', moved));
    expect(r3.status).toBe(201);
    const j3 = await r3.json();
    const [oldRow] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, r1.id));
    const [newRow] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, j3.id));
    expect(oldRow!.status).toBe('unsubscribed');
    expect(await tdb.db.select().from(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, r1.id))).toHaveLength(0);
    expect(newRow!.vapidKeyId).toBe(newKey.id);
    // Restore: the old key active again for the other tests.
    await activateVapidKey(ctxFor(tdb), { id: oldKey!.id });
  });

  it('limits requests per client address with 429 and Retry-After', async () => {
    const headers = { 'x-pushdeck-client-ip': '203.0.113.77' };
    let limited: Response | null = null;
    for (let i = 0; i < 130 && !limited; i++) {
      const res = await del(request('DELETE', { endpoint: endpoint() }, headers));
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(204);
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited!.json()).error.code).toBe('rate_limited');
    // Another address is unaffected.
    expect((await del(request('DELETE', { endpoint: endpoint() }))).status).toBe(204);
  });
});

describe('DELETE /api/push/subscriptions and lookup', () => {
  it('unsubscribes idempotently and the lookup reflects it', async () => {
    const body = sub({ topics: ['news', 'offers'] });
    const { id } = await (await post(request('POST', body))).json();
    const look = await lookupRoute(request('POST', { endpoint: body.subscription.endpoint }, {}, '/api/push/subscriptions/lookup'));
    expect(await look.json()).toMatchObject({ id, status: 'active', topics: ['news', 'offers'] });

    for (let i = 0; i < 2; i++) {
      const res = await del(request('DELETE', { endpoint: body.subscription.endpoint }));
      expect(res.status).toBe(204);
    }
    const [row] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, id));
    expect(row!.status).toBe('unsubscribed');
    expect(row!.endedAt).not.toBeNull();
    const after = await lookupRoute(request('POST', { endpoint: body.subscription.endpoint }, {}, '/api/push/subscriptions/lookup'));
    expect(await after.json()).toMatchObject({ status: 'unsubscribed', topics: [] });
    expect((await del(request('DELETE', { endpoint: 'https://fcm.googleapis.com/never-seen' }))).status).toBe(204);
    expect((await del(request('DELETE', { nope: 1 }))).status).toBe(400);
  });

  it('lists only public topics', async () => {
    const res = await getTopics(new Request('http://localhost/api/push/topics'));
    const { topics: list } = await res.json();
    expect(list.map((t: { slug: string }) => t.slug)).toEqual(['news', 'offers']);
    const all = await tdb.db.select().from(topics);
    expect(all).toHaveLength(3);
  });
});

describe('one device, one subscription, however its endpoint is spelled', () => {
  it('subscribes, re-subscribes, looks up and unsubscribes every spelling of one endpoint as the same row', async () => {
    const before = process.env.PUSH_ALLOWED_HOSTS;
    process.env.PUSH_ALLOWED_HOSTS = 'default,127.0.0.1:4190';
    try {
      const token = randomBytes(12).toString('base64url');
      const local = `https://127.0.0.1:4190/push/${token}`;
      const fcm = `https://fcm.googleapis.com/fcm/send/${token}`;
      const spellings = [
        [
          local,
          `https://127.0.0.1:04190/push/${token}`,
          `https://2130706433:4190/push/${token}`,
          `https://0x7f000001:4190/push/${token}`,
          `https://127.1:4190/push/${token}`,
          `https://127.0.0.1:4190/push/${token}?`,
          `https://127.0.0.1:4190/push/${token}#fragment`,
          `https://127.0.0.1:4190/push/./${token}`,
          `https://:@127.0.0.1:4190/push/${token}`,
        ],
        [
          fcm,
          `https://fcm.googleapis.com/fcm/send/${token}?x=1`,
          `https://fcm.googleapis.com/fcm/send/${token}?x=2`,
          `https://FCM.googleapis.com:443/fcm/send/${token}`,
          `https://fcm.googleapis.com/fcm/send/${token}#a`,
        ],
      ];
      for (const group of spellings) {
        const ids = new Set<string>();
        for (const spelling of group) {
          const res = await post(request('POST', { subscription: { endpoint: spelling, keys: browserKeys() }, topics: ['news'] }));
          expect(res.status, spelling).toBeLessThan(300);
          ids.add(((await res.json()) as { id: string }).id);
        }
        expect(ids.size, group[0]).toBe(1);
        const [row] = await tdb.db
          .select()
          .from(subscriptions)
          .where(eq(subscriptions.id, [...ids][0]!));
        expect(row!.endpoint).toBe(group[0]);
        // Looked up and ended by yet another spelling.
        const look = await lookupRoute(request('POST', { endpoint: group.at(-1) }, {}, '/api/push/subscriptions/lookup'));
        expect(((await look.json()) as { id: string }).id).toBe(row!.id);
        expect((await del(request('DELETE', { endpoint: group[1] }))).status).toBe(204);
        const [ended] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, row!.id));
        expect(ended!.status).toBe('unsubscribed');
      }
      expect(await stored()).toBe(2);
      // Re-subscribing with a new endpoint ends the old one, whichever way the old one is spelled.
      const fresh = endpoint();
      const res = await post(request('POST', { subscription: { endpoint: fresh, keys: browserKeys() }, topics: ['news'] }));
      const id = ((await res.json()) as { id: string }).id;
      const next = `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`;
      await post(
        request('POST', {
          subscription: { endpoint: next, keys: browserKeys() },
          topics: ['news'],
          previousEndpoint: `${fresh.replace('fcm.googleapis.com', 'FCM.googleapis.com:443')}?stale=1`,
        }),
      );
      const [old] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, id));
      expect(old!.status).toBe('unsubscribed');
      // Real credentials are not a spelling: still refused.
      expect(
        (await post(request('POST', { subscription: { endpoint: `https://user:pw@fcm.googleapis.com/fcm/send/${token}`, keys: browserKeys() } }))).status,
      ).toBe(422);
    } finally {
      process.env.PUSH_ALLOWED_HOSTS = before;
    }
  });
});
