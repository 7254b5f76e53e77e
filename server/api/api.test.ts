/**
 * The programmatic API through its real route handlers, on a real database and queue, sending
 * to the push-service test server (which decrypts): API keys, notiflux tokens and /broadcast,
 * idempotency, topic limits, every auth failure mode, receipts, and the OpenAPI document.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { es256Token } from '../../tests/support/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getCampaignRoute } from '../../app/api/v1/campaigns/[id]/route';
import { GET as listCampaignsRoute } from '../../app/api/v1/campaigns/route';
import { POST as notificationsRoute } from '../../app/api/v1/notifications/route';
import { GET as openapiRoute } from '../../app/api/openapi.json/route';
import { POST as receiptsRoute } from '../../app/api/push/receipts/route';
import { POST as subscribeRoute } from '../../app/api/push/subscriptions/route';
import { GET as listTopicsRoute } from '../../app/api/v1/topics/route';
import { GET as storeReadRoute, POST as storeWriteRoute } from '../../app/api/v1/store/[subscriptionId]/route';
import { POST as broadcastRoute } from '../../app/broadcast/route';
import { campaigns, receipts, vapidKeys } from '../../db/schema';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase, completedCampaign } from '../../tests/support/db';
import { addTokenKey, createApiKey, revokeApiKey, revokeTokenKey } from '../api-keys/mutations';
import { getRuntime, stopRuntime } from '../runtime';
import { createTopic } from '../topics/mutations';
import { makeRef } from '../receipts/ref';
import { GET as clickRoute } from '../../app/c/[ref]/[action]/route';
import { declarativePayloadSchema } from '../../lib/push/payload';
import { apiCampaignSchema, errorResponseSchema, sendResponseSchema } from './openapi';

// One bucket per key: a small limit makes the rate-limit test quick and leaves the others alone.
process.env.API_RATE_PER_MINUTE = '40';

let tdb: TestDatabase;
const server = new PushServiceServer();
const topicIds: Record<string, string> = {};
let signing: { privateKey: KeyObject; publicPem: string };
let tokenKeyId: string;

beforeAll(async () => {
  process.env.RECONCILE_SECONDS = '2';
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web');
  const root = ctxFor(tdb);
  for (const [slug, isPublic] of [
    ['news', true],
    ['deals', true],
    ['vip', false],
  ] as const) {
    topicIds[slug] = (await createTopic(root, { slug, name: slug.toUpperCase(), isPublic: String(isPublic) })).id;
  }
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  signing = { privateKey: pair.privateKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  tokenKeyId = (await addTokenKey(root, { name: 'notiflux', publicKey: Buffer.from(signing.publicPem).toString('base64') })).id;
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (payload: Record<string, unknown>, opts: { key?: KeyObject; alg?: string } = {}) => es256Token(payload, opts.key ?? signing.privateKey, opts);
const exp = () => Math.floor(Date.now() / 1000) + 60;

function req(pathname: string, init: { method?: string; body?: unknown; auth?: string; headers?: Record<string, string> } = {}) {
  return new Request(`http://localhost${pathname}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      'x-pushdeck-client-ip': '192.0.2.10',
      ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function subscriber(topics: string[]) {
  const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
  const res = await subscribeRoute(req('/api/push/subscriptions', { body: { subscription: s.subscription, topics } }));
  expect(res.status).toBe(201);
  return { testId: s.id, id: ((await res.json()) as { id: string }).id };
}

const completed = (id: string) => completedCampaign(tdb, id);

async function errorOf(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const json = errorResponseSchema.parse(await res.json());
  expect(json.error.code).toBe(code);
  return json.error.message;
}

describe('POST /api/v1/notifications with an API key', () => {
  it('sends to the topic, with the content decrypted at the push service, and shows up as an API campaign', async () => {
    const subs = [await subscriber(['news']), await subscriber(['news', 'deals'])];
    const other = await subscriber(['deals']);
    const { key, apiKey } = await createApiKey(ctxFor(tdb), { name: 'Shop', scopes: ['send'] });
    const res = await notificationsRoute(
      req('/api/v1/notifications', {
        auth: key,
        body: {
          topics: ['news'],
          title: 'Order shipped',
          body: 'Parcel 42 is on its way',
          url: 'https://shop.example/orders/42',
          actions: [{ title: 'Track', url: 'https://shop.example/track/42' }],
          data: { orderId: 42 },
          ttl: 3600,
          urgency: 'high',
        },
      }),
    );
    expect(res.status).toBe(202);
    const sent = sendResponseSchema.parse(await res.json());
    expect(sent).toMatchObject({ status: 'queued', recipients: 2 });
    const c = await completed(sent.campaignId);
    expect(c).toMatchObject({ source: 'api', apiKeyId: apiKey.id, sent: 2, createdByLabel: 'api-key:Shop' });
    for (const s of subs) {
      const [m] = server.messages(s.testId);
      expect(JSON.parse(m!.plaintext!)).toMatchObject({
        title: 'Order shipped',
        body: 'Parcel 42 is on its way',
        url: 'https://shop.example/orders/42',
        data: { orderId: 42 },
        actions: [{ title: 'Track' }],
      });
      expect(m!.urgency).toBe('high');
    }
    expect(server.messages(other.testId)).toHaveLength(0);

    // The campaign reads back through the API, in the documented shape.
    const read = await getCampaignRoute(req(`/api/v1/campaigns/${sent.campaignId}`, { auth: key }), { params: Promise.resolve({ id: sent.campaignId }) });
    expect(read.status).toBe(200);
    expect(apiCampaignSchema.parse(await read.json())).toMatchObject({
      id: sent.campaignId,
      status: 'completed',
      counts: { targeted: 2, sent: 2, pending: 0 },
    });
    const list = await listCampaignsRoute(req('/api/v1/campaigns?limit=10', { auth: key }));
    expect(((await list.json()) as { campaigns: { id: string }[] }).campaigns.map((x) => x.id)).toContain(sent.campaignId);

    // Another key cannot read it.
    const { key: stranger } = await createApiKey(ctxFor(tdb), { name: 'Other', scopes: ['send'] });
    const hidden = await getCampaignRoute(req(`/api/v1/campaigns/${sent.campaignId}`, { auth: stranger }), {
      params: Promise.resolve({ id: sent.campaignId }),
    });
    await errorOf(hidden, 404, 'not_found');
  });

  it('returns the same campaign for a retried Idempotency-Key and sends nothing twice', async () => {
    const s = await subscriber(['deals']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Retry', scopes: ['send'] });
    const body = { topics: ['deals'], title: 'Once only' };
    const headers = { 'idempotency-key': 'order-1234-shipped' };
    const first = (await (await notificationsRoute(req('/api/v1/notifications', { auth: key, body, headers }))).json()) as { campaignId: string };
    const [a, b] = await Promise.all([
      notificationsRoute(req('/api/v1/notifications', { auth: key, body, headers })),
      notificationsRoute(req('/api/v1/notifications', { auth: key, body, headers })),
    ]);
    for (const r of [a, b]) {
      expect(r.status).toBe(202);
      expect(((await r.json()) as { campaignId: string }).campaignId).toBe(first.campaignId);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
    }
    await completed(first.campaignId);
    expect(server.messages(s.testId).filter((m) => JSON.parse(m.plaintext!).title === 'Once only')).toHaveLength(1);
    const rows = await tdb.db.select().from(campaigns).where(eq(campaigns.idempotencyKey, 'order-1234-shipped'));
    expect(rows).toHaveLength(1);
  });

  it('holds a key to its topics, scopes and validity', async () => {
    const root = ctxFor(tdb);
    const { key: newsOnly } = await createApiKey(root, { name: 'News only', scopes: ['send'], topicIds: [topicIds.news] });
    await errorOf(await notificationsRoute(req('/api/v1/notifications', { auth: newsOnly, body: { topics: ['deals'], title: 'x' } })), 403, 'forbidden');
    await errorOf(
      await notificationsRoute(req('/api/v1/notifications', { auth: newsOnly, body: { topics: ['news', 'deals'], title: 'x' } })),
      403,
      'forbidden',
    );
    expect(
      (await notificationsRoute(req('/api/v1/notifications', { auth: newsOnly, body: { topics: ['news'], exclude: ['deals'], title: 'x' } }))).status,
    ).toBe(202);

    const { key: manageOnly } = await createApiKey(root, { name: 'Manager', scopes: ['manage'] });
    await errorOf(await notificationsRoute(req('/api/v1/notifications', { auth: manageOnly, body: { topics: ['news'], title: 'x' } })), 403, 'forbidden');

    const { key: revoked, apiKey } = await createApiKey(root, { name: 'Old', scopes: ['send'] });
    await revokeApiKey(root, { id: apiKey.id });
    expect(
      await errorOf(await notificationsRoute(req('/api/v1/notifications', { auth: revoked, body: { topics: ['news'], title: 'x' } })), 401, 'unauthorized'),
    ).toMatch(/revoked/);

    const { key: expiring, apiKey: e } = await createApiKey(root, { name: 'Short', scopes: ['send'], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await tdb.db.execute(`update api_keys set expires_at = now() - interval '1 second' where id = '${e.id}'` as never);
    expect(
      await errorOf(await notificationsRoute(req('/api/v1/notifications', { auth: expiring, body: { topics: ['news'], title: 'x' } })), 401, 'unauthorized'),
    ).toMatch(/expired/);

    for (const bad of [undefined, 'pd_not-a-real-key', 'garbage']) {
      const res = await notificationsRoute(req('/api/v1/notifications', { auth: bad, body: { topics: ['news'], title: 'x' } }));
      await errorOf(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('validates the body and names what is wrong; nothing is created', async () => {
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Validation', scopes: ['send'] });
    const before = (await tdb.db.select().from(campaigns)).length;
    const cases: [unknown, number, string][] = [
      [{ title: 'no topics' }, 400, 'validation_failed'],
      [{ topics: ['news'] }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', match: 'some' }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', ttl: -1 }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', urgency: 'asap' }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', topic: 'not valid topic!' }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', sendAt: 'tomorrow' }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', surprise: true }, 400, 'validation_failed'],
      [{ topics: ['news'], title: 'x', url: 'javascript:alert(1)' }, 400, 'validation_failed'],
      [{ topics: ['nope'], title: 'x' }, 422, 'unprocessable'],
      [{ topics: ['news'], title: 'x', data: { blob: 'x'.repeat(70_000) } }, 400, 'validation_failed'], // too large even stored
      [{ topics: ['news'], title: 'x', data: { blob: 'x'.repeat(100_000) } }, 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      await errorOf(await notificationsRoute(req('/api/v1/notifications', { auth: key, body })), status, code);
    }
    expect((await tdb.db.select().from(campaigns)).length).toBe(before);
  });

  it('schedules with sendAt', async () => {
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Later', scopes: ['send'] });
    const at = new Date(Date.now() + 3600_000).toISOString();
    const res = await notificationsRoute(req('/api/v1/notifications', { auth: key, body: { topics: ['news'], title: 'Later', sendAt: at } }));
    expect(res.status).toBe(202);
    const { campaignId, status } = (await res.json()) as { campaignId: string; status: string };
    expect(status).toBe('scheduled');
    const [c] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(c!.scheduledAt!.toISOString()).toBe(at);
  });

  it('limits requests per key', async () => {
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Busy', scopes: ['send'] });
    let limited: Response | null = null;
    for (let i = 0; i < 50 && !limited; i++) {
      const res = await listCampaignsRoute(req('/api/v1/campaigns', { auth: key }));
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    await errorOf(limited!, 429, 'rate_limited');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('notiflux-style signed tokens', () => {
  it('broadcasts with a token in the body; text and JSON messages', async () => {
    const s = await subscriber(['news']);
    const t = token({ sub: 'notiflux', exp: exp(), topics: ['news'], scope: 'broadcast' });
    const r1 = await broadcastRoute(req('/broadcast', { body: { topic: 'news', message: 'Plain text news', token: t } }));
    expect(r1.status).toBe(202);
    await completed(sendResponseSchema.parse(await r1.json()).campaignId);
    const r2 = await broadcastRoute(
      req('/broadcast', { body: { topic: 'news', message: JSON.stringify({ title: 'Big news', body: 'Read it', url: 'https://example.com/n' }), token: t } }),
    );
    await completed(sendResponseSchema.parse(await r2.json()).campaignId);
    // (Campaigns from earlier tests may still reach this new subscriber: look at ours only.)
    const got = server
      .messages(s.testId)
      .map((m) => JSON.parse(m.plaintext!))
      .filter((p) => ['NEWS', 'Big news'].includes(p.title));
    expect(got).toEqual([
      expect.objectContaining({ title: 'NEWS', body: 'Plain text news' }),
      expect.objectContaining({ title: 'Big news', body: 'Read it', url: 'https://example.com/n' }),
    ]);
    // The same token also works as a Bearer credential on the v1 API.
    expect((await notificationsRoute(req('/api/v1/notifications', { auth: t, body: { topics: ['news'], title: 'via bearer' } }))).status).toBe(202);
  });

  it('refuses every bad token with a clear 401 or 403', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const base = { sub: 'x', exp: exp(), topics: ['news'], scope: 'broadcast' };
    const head = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const hs256 = (() => {
      // The classic confusion attack: HMAC "signed" with the public key as the secret.
      const unsigned = `${head({ alg: 'HS256', typ: 'JWT' })}.${b64(base)}`;
      return `${unsigned}.${createHmac('sha256', signing.publicPem).update(unsigned).digest('base64url')}`;
    })();
    const cases: [string, string, number, RegExp][] = [
      ['alg none', `${head({ alg: 'none', typ: 'JWT' })}.${b64(base)}.`, 401, /ES256/],
      ['HS256 with the public key', hs256, 401, /ES256/],
      ['expired', token({ ...base, exp: Math.floor(Date.now() / 1000) - 120 }), 401, /expired/],
      ['signed by an unknown key', token(base, { key: other }), 401, /not signed by a key/],
      ['tampered claims', token(base).replace(/\.[^.]+\./, `.${b64({ ...base, topics: ['deals'] })}.`), 401, /not signed by a key/],
      ['no expiry', token({ sub: 'x', topics: ['news'], scope: 'broadcast' }), 401, /expiry/],
      ['wrong scope', token({ ...base, scope: 'subscribe' }), 403, /send/],
      ['a scope notiflux does not have', token({ ...base, scope: 'send' }), 403, /send/],
      ['topic not in topics', token({ ...base, topics: ['deals'] }), 403, /do not include: news/],
    ];
    for (const [what, t, status, message] of cases) {
      const res = await broadcastRoute(req('/broadcast', { body: { topic: 'news', message: 'x', token: t } }));
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { error: { message: string } }).error.message, what).toMatch(message);
    }
  });

  it('never administers: a token claiming the "manage" scope is refused', async () => {
    const res = await listTopicsRoute(req('/api/v1/topics', { auth: token({ sub: 'x', exp: exp(), topics: ['news'], scope: ['manage', 'broadcast'] }) }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/manage/);
  });

  it('keeps a token signer’s store records apart from an API key’s, both ways', async () => {
    const s = await subscriber(['news']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Store owner', scopes: ['send'] });
    const t = token({ sub: 'notiflux', exp: exp(), topics: ['news'], scope: 'broadcast' });
    const at = { params: Promise.resolve({ subscriptionId: s.id }) };
    const write = (auth: string, data: string) => storeWriteRoute(req(`/api/v1/store/${s.id}`, { auth, body: { ttl: 60, data } }), at);
    const read = async (auth: string) =>
      ((await (await storeReadRoute(req(`/api/v1/store/${s.id}`, { auth }), at)).json()) as { messages: { data: string }[] }).messages.map((m) => m.data);
    expect((await write(key, 'from the key')).status).toBe(201);
    expect((await write(t, 'from the token')).status).toBe(201);
    expect(await read(key)).toEqual(['from the key']);
    expect(await read(t)).toEqual(['from the token']);
  });

  it('stops working when its verification key is revoked', async () => {
    const extra = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const k = await addTokenKey(ctxFor(tdb), { name: 'temp', publicKey: extra.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const t = token({ exp: exp(), topics: ['news'], scope: 'broadcast' }, { key: extra.privateKey });
    expect((await broadcastRoute(req('/broadcast', { body: { topic: 'news', message: 'x', token: t } }))).status).toBe(202);
    await revokeTokenKey(ctxFor(tdb), { id: k.id });
    await errorOf(await broadcastRoute(req('/broadcast', { body: { topic: 'news', message: 'x', token: t } })), 401, 'unauthorized');
    expect(tokenKeyId).toBeTruthy();
  });

  it('lets a subscribe token add the private topics it lists, and only those', async () => {
    const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
    const sub = s.subscription;
    await errorOf(await subscribeRoute(req('/api/push/subscriptions', { body: { subscription: sub, topics: ['vip'] } })), 422, 'unprocessable');
    const subscribeToken = token({ exp: exp(), topics: ['vip', 'news'], scope: 'subscribe' });
    const ok = await subscribeRoute(req('/api/push/subscriptions', { body: { subscription: sub, topics: ['vip', 'news'], token: subscribeToken } }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ topics: ['news', 'vip'] });
    await errorOf(
      await subscribeRoute(req('/api/push/subscriptions', { body: { subscription: sub, topics: ['deals'], token: subscribeToken } })),
      403,
      'forbidden',
    );
    await errorOf(
      await subscribeRoute(
        req('/api/push/subscriptions', { body: { subscription: sub, topics: ['vip'], token: token({ exp: exp(), topics: ['vip'], scope: 'broadcast' }) } }),
      ),
      403,
      'forbidden',
    );
    await errorOf(await subscribeRoute(req('/api/push/subscriptions', { body: { subscription: sub, topics: ['vip'], token: 'a.b.c' } })), 401, 'unauthorized');
  });
});

describe('receipts', () => {
  it('counts shown and clicked once per delivery and refuses forged references', async () => {
    const a = await subscriber(['deals']);
    const b = await subscriber(['deals']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Receipts', scopes: ['send'] });
    const { campaignId } = (await (
      await notificationsRoute(req('/api/v1/notifications', { auth: key, body: { topics: ['deals'], title: 'Measure me' } }))
    ).json()) as { campaignId: string };
    await completed(campaignId);
    // The payload each browser got carries its own reference.
    const mine = server
      .messages(a.testId)
      .map((m) => JSON.parse(m.plaintext!))
      .find((p) => p.title === 'Measure me');
    const refA = mine.ref as string;
    expect(refA).toBe(makeRef(campaignId, a.id));
    const send = (body: unknown) => receiptsRoute(req('/api/push/receipts', { body }));
    expect((await send({ ref: refA, kind: 'shown' })).status).toBe(204);
    expect((await send({ ref: refA, kind: 'shown' })).status).toBe(204); // a replay counts nothing
    expect((await send({ ref: refA, kind: 'clicked', action: 'a0' })).status).toBe(204);
    // Forged: another delivery's ids with A's MAC, or a MAC flipped.
    const raw = Buffer.from(refA, 'base64url');
    const swapped = Buffer.concat([raw.subarray(0, 16), Buffer.from(b.id.replace(/-/g, ''), 'hex'), raw.subarray(32)]).toString('base64url');
    await errorOf(await send({ ref: swapped, kind: 'shown' }), 403, 'forbidden');
    const flipped = Buffer.from(raw);
    flipped[40] = flipped[40]! ^ 1;
    await errorOf(await send({ ref: flipped.toString('base64url'), kind: 'shown' }), 403, 'forbidden');
    await errorOf(await send({ ref: refA, kind: 'liked' }), 400, 'validation_failed');

    const [c] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(c).toMatchObject({ shown: 1, clicked: 1, closed: 0 });
    const rows = await tdb.db.select().from(receipts).where(eq(receipts.campaignId, campaignId));
    expect(rows.map((r) => `${r.kind}:${r.action ?? ''}`).sort()).toEqual(['clicked:a0', 'shown:']);
    // B's own delivery is untouched by the forged attempts.
    const forB = await tdb.db.select().from(receipts).where(eq(receipts.subscriptionId, b.id));
    expect(forB).toHaveLength(0);
  });
});

describe('Declarative Web Push and the click-tracking redirect', () => {
  it('sends an envelope Safari accepts whose links record the click and forward to the target', async () => {
    process.env.PUBLIC_URL = 'https://push.example.com';
    try {
      const a = await subscriber(['news']);
      const { key } = await createApiKey(ctxFor(tdb), { name: 'Declarative', scopes: ['send'] });
      const res = await notificationsRoute(
        req('/api/v1/notifications', {
          auth: key,
          body: {
            topics: ['news'],
            title: 'Declared',
            url: '/deals',
            lang: 'de',
            dir: 'ltr',
            appBadge: 2,
            actions: [{ title: 'Cart', url: 'https://shop.example/cart' }],
          },
        }),
      );
      expect(res.status).toBe(202);
      const { campaignId } = (await res.json()) as { campaignId: string };
      await completed(campaignId);
      const payload = server
        .messages(a.testId)
        .map((m) => JSON.parse(m.plaintext!))
        .find((p) => p.title === 'Declared');
      expect(declarativePayloadSchema.safeParse(payload).success).toBe(true);
      const ref = makeRef(campaignId, a.id);
      expect(payload.notification).toMatchObject({ title: 'Declared', navigate: `https://push.example.com/c/${ref}`, lang: 'de', dir: 'ltr', app_badge: 2 });
      expect(payload.notification.actions).toEqual([{ action: 'a0', title: 'Cart', navigate: `https://push.example.com/c/${ref}/0` }]);
      expect(payload).toMatchObject({ ref, url: '/deals', lang: 'de' }); // the legacy fields, for older workers

      const click = (action?: string) =>
        clickRoute(req(`/c/${ref}${action ? `/${action}` : ''}`), { params: Promise.resolve({ ref, ...(action ? { action } : {}) }) });
      const opened = await click();
      expect(opened.status).toBe(302);
      // A relative link resolves against the project's page (this project lists no site).
      expect(opened.headers.get('location')).toBe('https://push.example.com/deals');
      const button = await clickRoute(req(`/c/${ref}/0`), { params: Promise.resolve({ ref, action: '0' }) });
      expect(button.headers.get('location')).toBe('https://shop.example/cart');
      expect((await click()).status).toBe(302); // a second click forwards, and counts nothing more
      const [c] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
      expect(c!.clicked).toBe(1);
      const rows = await tdb.db.select().from(receipts).where(eq(receipts.campaignId, campaignId));
      expect(rows.map((r) => `${r.kind}:${r.action ?? ''}`)).toEqual(['clicked:']);

      // No such button, a forged ref, garbage: a short page, nothing recorded, nowhere to go.
      for (const [r, action] of [
        [ref, '1'],
        [ref, 'x'],
        [ref.slice(0, -2) + (ref.endsWith('AA') ? 'BA' : 'AA'), undefined],
        ['nonsense', undefined],
      ] as const) {
        const bad = await clickRoute(req(`/c/${r}`), { params: Promise.resolve({ ref: r, ...(action ? { action } : {}) }) });
        expect(bad.status).toBe(404);
        expect(bad.headers.get('content-type')).toMatch(/text\/html/);
        expect(bad.headers.get('location')).toBeNull();
      }
      expect((await tdb.db.select().from(receipts).where(eq(receipts.campaignId, campaignId))).length).toBe(1);
    } finally {
      delete process.env.PUBLIC_URL;
    }
  });
});

describe('the OpenAPI document', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  /** Every route file of the public and programmatic API, as "METHOD /path". */
  function routes(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name === 'route.ts') {
          const rel = '/' + path.relative(path.join(root, 'app'), path.dirname(full)).replace(/\[([^\]]+)\]/g, '{$1}');
          if (rel.startsWith('/api/auth') || rel.startsWith('/api/admin') || rel.startsWith('/admin')) continue; // dashboard-internal
          if (rel.startsWith('/c/') || rel.startsWith('/sdk/') || rel.endsWith('/manifest.webmanifest')) continue; // for browsers: click links, the SDK, manifests
          const src = readFileSync(full, 'utf8');
          for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
            if (new RegExp(`export (const|async function|function) ${m}\\b`).test(src)) out.push(`${m} ${rel}`);
        }
      }
    };
    walk(path.join(root, 'app'));
    return out.sort();
  }

  it('is OpenAPI 3.1 and lists exactly the routes that exist', async () => {
    const res = openapiRoute(new Request('http://localhost/api/openapi.json'));
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; servers: { url: string }[] };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe('http://localhost');
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(routes());
  });
});
