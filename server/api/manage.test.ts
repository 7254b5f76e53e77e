/**
 * Topics and subscribers through the programmatic API, via the real route handlers: a `send`
 * key cannot manage, a `manage` key can (and what it does lands in the database, audited under
 * the key's name), topic-limited keys stay inside their topics, bad input is refused with the
 * error shape and changes nothing.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE as deleteSubscriberRoute } from '../../app/api/v1/subscribers/[id]/route';
import { GET as listSubscribersRoute } from '../../app/api/v1/subscribers/route';
import { DELETE as deleteTopicRoute, PATCH as patchTopicRoute } from '../../app/api/v1/topics/[slug]/route';
import { GET as listTopicsRoute, POST as createTopicRoute } from '../../app/api/v1/topics/route';
import { auditLogs, subscriptions, subscriptionTopics, topics } from '../../db/schema';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { createApiKey } from '../api-keys/mutations';
import { subscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { ensureActiveVapidKey } from '../vapid/mutations';
import { apiSubscriberViewSchema, apiTopicViewSchema } from './manage';
import { errorResponseSchema } from './openapi';

let tdb: TestDatabase;
const stamp = randomBytes(3).toString('hex');
const slug = (s: string) => `${s}-${stamp}`;
let sendKey = '';
let manageKey = '';
let limitedKey = '';
const topicIds: Record<string, string> = {};

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await ensureActiveVapidKey(tdb.db);
  const root = ctxFor(tdb);
  for (const s of ['news', 'deals']) topicIds[s] = (await createTopic(root, { slug: slug(s), name: s.toUpperCase() })).id;
  sendKey = (await createApiKey(root, { name: 'Sender', scopes: ['send'] })).key;
  manageKey = (await createApiKey(root, { name: 'Manager', scopes: ['manage'] })).key;
  limitedKey = (await createApiKey(root, { name: 'News manager', scopes: ['manage', 'send'], topicIds: [topicIds.news] })).key;
}, 60_000);

afterAll(async () => {
  await tdb?.dispose();
});

function req(pathname: string, init: { method?: string; body?: unknown; auth?: string; raw?: string } = {}) {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return new Request(`http://localhost${pathname}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', 'x-pushdeck-client-ip': '192.0.2.20', ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}) },
    body,
  });
}
const params = <T>(p: T) => ({ params: Promise.resolve(p) });

async function errorOf(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  const json = errorResponseSchema.parse(await res.json());
  expect(json.error.code).toBe(code);
  return json.error.message;
}

async function seedSubscriber(topicSlugs: string[]) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const subscription = {
    endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
  return (await subscribe(tdb, { subscription, topics: topicSlugs })).id;
}

describe('a send key', () => {
  it('cannot manage topics or subscribers, and changes nothing', async () => {
    const id = await seedSubscriber([slug('news')]);
    const calls: [string, Promise<Response>][] = [
      ['list topics', listTopicsRoute(req('/api/v1/topics', { auth: sendKey }))],
      ['create topic', createTopicRoute(req('/api/v1/topics', { auth: sendKey, body: { slug: slug('nope'), name: 'Nope' } }))],
      [
        'patch topic',
        patchTopicRoute(req(`/api/v1/topics/${slug('news')}`, { method: 'PATCH', auth: sendKey, body: { name: 'Hacked' } }), params({ slug: slug('news') })),
      ],
      ['delete topic', deleteTopicRoute(req(`/api/v1/topics/${slug('news')}`, { method: 'DELETE', auth: sendKey }), params({ slug: slug('news') }))],
      ['list subscribers', listSubscribersRoute(req('/api/v1/subscribers', { auth: sendKey }))],
      ['delete subscriber', deleteSubscriberRoute(req(`/api/v1/subscribers/${id}`, { method: 'DELETE', auth: sendKey }), params({ id }))],
    ];
    for (const [what, call] of calls) {
      expect(await errorOf(await call, 403, 'forbidden'), what).toBe('This needs a key with the "manage" scope.');
    }
    const [news] = await tdb.db.select().from(topics).where(eq(topics.id, topicIds.news!));
    expect(news!.name).toBe('NEWS');
    expect(
      await tdb.db
        .select()
        .from(topics)
        .where(eq(topics.slug, slug('nope'))),
    ).toEqual([]);
    expect(await tdb.db.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.id, id))).toHaveLength(1);
  });

  it('and no key at all is a 401', async () => {
    await errorOf(await listTopicsRoute(req('/api/v1/topics')), 401, 'unauthorized');
    await errorOf(await listSubscribersRoute(req('/api/v1/subscribers', { auth: 'pd_nope' })), 401, 'unauthorized');
  });
});

describe('a manage key', () => {
  it('creates, lists, renames and deletes topics, each audited under the key', async () => {
    const created = await createTopicRoute(
      req('/api/v1/topics', { auth: manageKey, body: { slug: slug('sale'), name: 'Spring sale', description: 'Deals in March', isPublic: false } }),
    );
    expect(created.status).toBe(201);
    expect(apiTopicViewSchema.parse(await created.json())).toMatchObject({
      slug: slug('sale'),
      name: 'Spring sale',
      description: 'Deals in March',
      isPublic: false,
    });
    const [row] = await tdb.db
      .select()
      .from(topics)
      .where(eq(topics.slug, slug('sale')));
    expect(row).toMatchObject({ name: 'Spring sale', isPublic: false });

    await seedSubscriber([slug('news')]);
    const listed = await listTopicsRoute(req('/api/v1/topics', { auth: manageKey }));
    expect(listed.status).toBe(200);
    const list = ((await listed.json()) as { topics: unknown[] }).topics.map((t) => apiTopicViewSchema.parse(t));
    expect(list.map((t) => t.slug)).toEqual(expect.arrayContaining([slug('news'), slug('deals'), slug('sale')]));
    expect(list.find((t) => t.slug === slug('news'))!.activeSubscribers).toBeGreaterThanOrEqual(1);

    const patched = await patchTopicRoute(
      req(`/api/v1/topics/${slug('sale')}`, { method: 'PATCH', auth: manageKey, body: { slug: slug('summer'), isPublic: true } }),
      params({ slug: slug('sale') }),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ slug: slug('summer'), name: 'Spring sale', description: 'Deals in March', isPublic: true });
    expect(
      await tdb.db
        .select({ id: topics.id })
        .from(topics)
        .where(eq(topics.slug, slug('sale'))),
    ).toEqual([]);

    const gone = await deleteTopicRoute(req(`/api/v1/topics/${slug('summer')}`, { method: 'DELETE', auth: manageKey }), params({ slug: slug('summer') }));
    expect(gone.status).toBe(204);
    expect(await tdb.db.select().from(topics).where(eq(topics.id, row!.id))).toEqual([]);

    const audit = await tdb.db.select().from(auditLogs).where(eq(auditLogs.targetId, row!.id)).orderBy(auditLogs.id);
    expect(audit.map((a) => [a.action, a.actorLabel])).toEqual([
      ['topic.create', 'api-key:Manager'],
      ['topic.update', 'api-key:Manager'],
      ['topic.delete', 'api-key:Manager'],
    ]);
  });

  it('refuses bad topic input with the error shape, changing nothing', async () => {
    const count = async () => (await tdb.db.select({ id: topics.id }).from(topics)).length;
    const before = await count();
    expect(
      await errorOf(await createTopicRoute(req('/api/v1/topics', { auth: manageKey, body: { slug: 'Not A Slug', name: 'x' } })), 400, 'validation_failed'),
    ).toMatch(/lowercase letters/);
    expect(
      await errorOf(
        await createTopicRoute(req('/api/v1/topics', { auth: manageKey, body: { slug: slug('x'), name: 'x', isPublic: 'yes' } })),
        400,
        'validation_failed',
      ),
    ).toMatch(/isPublic is true or false/);
    await errorOf(
      await createTopicRoute(req('/api/v1/topics', { auth: manageKey, body: { slug: slug('x'), name: 'x', color: 'red' } })),
      400,
      'validation_failed',
    );
    await errorOf(await createTopicRoute(req('/api/v1/topics', { auth: manageKey, raw: '{"slug":' })), 400, 'bad_request');
    expect(
      await errorOf(await createTopicRoute(req('/api/v1/topics', { auth: manageKey, body: { slug: slug('news'), name: 'Again' } })), 409, 'conflict'),
    ).toMatch(/already exists/);
    expect(
      await errorOf(
        await patchTopicRoute(req(`/api/v1/topics/${slug('news')}`, { method: 'PATCH', auth: manageKey, body: {} }), params({ slug: slug('news') })),
        400,
        'validation_failed',
      ),
    ).toMatch(/at least one/);
    await errorOf(
      await patchTopicRoute(
        req(`/api/v1/topics/${slug('news')}`, { method: 'PATCH', auth: manageKey, body: { slug: slug('deals') } }),
        params({ slug: slug('news') }),
      ),
      409,
      'conflict',
    );
    await errorOf(
      await patchTopicRoute(req('/api/v1/topics/missing', { method: 'PATCH', auth: manageKey, body: { name: 'x' } }), params({ slug: 'missing' })),
      404,
      'not_found',
    );
    await errorOf(await deleteTopicRoute(req('/api/v1/topics/missing', { method: 'DELETE', auth: manageKey }), params({ slug: 'missing' })), 404, 'not_found');
    expect(await count()).toBe(before);
    const [news] = await tdb.db.select().from(topics).where(eq(topics.id, topicIds.news!));
    expect(news).toMatchObject({ slug: slug('news'), name: 'NEWS' });
  });

  it('lists subscribers with the dashboard filters and keyset paging, never their endpoints', async () => {
    const topic = (await createTopic(ctxFor(tdb), { slug: slug('paged'), name: 'Paged' })).id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await seedSubscriber([slug('paged')]));
    await seedSubscriber([slug('deals')]);
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 5; page++) {
      const qs: string = new URLSearchParams({ topic: slug('paged'), status: 'active', limit: '2', ...(before ? { before } : {}) }).toString();
      const res = await listSubscribersRoute(req(`/api/v1/subscribers?${qs}`, { auth: manageKey }));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/fcm\/send|p256dh|"auth"/);
      const body = JSON.parse(text) as { subscribers: unknown[]; nextBefore: string | null };
      const items = body.subscribers.map((s) => apiSubscriberViewSchema.parse(s));
      expect(items.every((s) => s.topics.includes(slug('paged')) && s.status === 'active')).toBe(true);
      seen.push(...items.map((s) => s.id));
      before = body.nextBefore;
      if (!before) break;
    }
    expect(seen).toEqual(newestFirst);
    expect(topic).toBeTruthy();

    expect(await errorOf(await listSubscribersRoute(req('/api/v1/subscribers?topc=news', { auth: manageKey })), 400, 'validation_failed')).toBe(
      'Unknown query parameter: topc.',
    );
    expect(await errorOf(await listSubscribersRoute(req('/api/v1/subscribers?limit=500', { auth: manageKey })), 400, 'validation_failed')).toBe(
      'limit is 1–200, in plain digits.',
    );
    expect(
      await errorOf(
        await listSubscribersRoute(req('/api/v1/subscribers?createdFrom=2025-02-01&createdTo=2025-01-01', { auth: manageKey })),
        400,
        'validation_failed',
      ),
    ).toMatch(/start date is after/);
    expect(await errorOf(await listSubscribersRoute(req('/api/v1/subscribers?topic=no-such-topic', { auth: manageKey })), 422, 'unprocessable')).toBe(
      'Unknown topic: no-such-topic.',
    );
  });

  it('deletes a subscriber with its topics, audited without the endpoint', async () => {
    const id = await seedSubscriber([slug('news')]);
    const [sub] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, id));
    const res = await deleteSubscriberRoute(req(`/api/v1/subscribers/${id}`, { method: 'DELETE', auth: manageKey }), params({ id }));
    expect(res.status).toBe(204);
    expect(await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, id))).toEqual([]);
    expect(await tdb.db.select().from(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, id))).toEqual([]);
    const [audit] = await tdb.db.select().from(auditLogs).where(eq(auditLogs.targetId, id));
    expect(audit).toMatchObject({ action: 'subscriber.delete', actorLabel: 'api-key:Manager' });
    expect(JSON.stringify(audit)).not.toContain(sub!.endpoint);
    await errorOf(await deleteSubscriberRoute(req(`/api/v1/subscribers/${id}`, { method: 'DELETE', auth: manageKey }), params({ id })), 404, 'not_found');
    await errorOf(
      await deleteSubscriberRoute(req('/api/v1/subscribers/not-a-uuid', { method: 'DELETE', auth: manageKey }), params({ id: 'not-a-uuid' })),
      404,
      'not_found',
    );
  });
});

describe('a manage key limited to some topics', () => {
  it('sees and changes only its topics, cannot create topics, and cannot reach subscribers', async () => {
    const listed = (await (await listTopicsRoute(req('/api/v1/topics', { auth: limitedKey }))).json()) as { topics: { slug: string }[] };
    expect(listed.topics.map((t) => t.slug)).toEqual([slug('news')]);
    const ok = await patchTopicRoute(
      req(`/api/v1/topics/${slug('news')}`, { method: 'PATCH', auth: limitedKey, body: { description: 'Daily news' } }),
      params({ slug: slug('news') }),
    );
    expect(ok.status).toBe(200);
    await errorOf(
      await patchTopicRoute(
        req(`/api/v1/topics/${slug('deals')}`, { method: 'PATCH', auth: limitedKey, body: { name: 'Mine' } }),
        params({ slug: slug('deals') }),
      ),
      404,
      'not_found',
    );
    await errorOf(
      await deleteTopicRoute(req(`/api/v1/topics/${slug('deals')}`, { method: 'DELETE', auth: limitedKey }), params({ slug: slug('deals') })),
      404,
      'not_found',
    );
    expect(
      await errorOf(await createTopicRoute(req('/api/v1/topics', { auth: limitedKey, body: { slug: slug('new'), name: 'New' } })), 403, 'forbidden'),
    ).toMatch(/limited to some topics/);
    await errorOf(await listSubscribersRoute(req('/api/v1/subscribers', { auth: limitedKey })), 403, 'forbidden');
    const id = await seedSubscriber([slug('news')]);
    await errorOf(await deleteSubscriberRoute(req(`/api/v1/subscribers/${id}`, { method: 'DELETE', auth: limitedKey }), params({ id })), 403, 'forbidden');
    const rows = await tdb.db
      .select()
      .from(topics)
      .where(inArray(topics.id, [topicIds.news!, topicIds.deals!]));
    expect(rows.find((t) => t.id === topicIds.deals)!.name).toBe('DEALS');
    expect(rows.find((t) => t.id === topicIds.news)!.description).toBe('Daily news');
  });
});
