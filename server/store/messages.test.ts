/**
 * Notifications too large for one push, end to end: the push carries a pointer and a token, the
 * content is fetched with them, refused without, and collected once expired. Also the
 * pushbox-style store API for programs.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as messageRoute } from '../../app/api/v1/messages/[id]/route';
import { POST as notificationsRoute } from '../../app/api/v1/notifications/route';
import { DELETE as storeDeleteRoute, GET as storeReadRoute, POST as storeWriteRoute } from '../../app/api/v1/store/[subscriptionId]/route';
import { rowsOf } from '../../db';
import { messages, storeMessages, vapidKeys } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase, completedCampaign } from '../../tests/support/db';
import { createApiKey } from '../api-keys/mutations';
import { createCampaign, sendCampaignNow } from '../campaigns/mutations';
import { getRuntime, stopRuntime } from '../runtime';
import { subscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { collectExpiredMessages } from './messages';

let tdb: TestDatabase;
const server = new PushServiceServer();

beforeAll(async () => {
  process.env.RECONCILE_SECONDS = '2';
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web');
  await createTopic(ctxFor(tdb), { slug: 'news', name: 'News' });
  await createTopic(ctxFor(tdb), { slug: 'other', name: 'Other' });
}, 60_000);
afterAll(async () => {
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

async function browser(topics: string[]) {
  const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
  const { id } = await subscribe(tdb, { subscription: s.subscription, topics });
  return { testId: s.id, id };
}

const completed = (id: string) => completedCampaign(tdb, id);

const get = (id: string, token?: string) =>
  messageRoute(
    new Request(`http://localhost/api/v1/messages/${id}`, {
      headers: { 'x-pushdeck-client-ip': '192.0.2.5', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }),
    {
      params: Promise.resolve({ id }),
    },
  );

describe('notifications delivered through the server', () => {
  it('pushes a pointer; the content is fetched with its token, refused without, and collected after its TTL', async () => {
    const s = await browser(['news']);
    const big = { title: 'The long read', body: 'A'.repeat(900), url: 'https://example.com/long', data: { article: 'x'.repeat(6000) } };
    // Without the option, a notification this size is refused with a clear way out.
    const refused = await createCampaign(ctxFor(tdb), { content: big, audience: 'all' }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(JSON.stringify((refused as AppError).fieldErrors)).toMatch(/deliver it through the server/);

    const c = await createCampaign(ctxFor(tdb), { content: big, audience: 'all', storeOnServer: true, options: { ttl: 60 } });
    await sendCampaignNow(ctxFor(tdb), { id: c.id });
    await completed(c.id);
    const [m] = server.messages(s.testId);
    expect(m!.plaintext!.length).toBeLessThan(400); // a pointer, not the content
    const pointer = JSON.parse(m!.plaintext!) as { m: string; k: string; title: string; ref: string };
    expect(pointer).toMatchObject({ title: 'The long read', m: expect.any(String), k: expect.any(String), ref: expect.any(String) });

    const ok = await get(pointer.m, pointer.k);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject(big);
    expect((await get(pointer.m)).status).toBe(401);
    expect((await get(pointer.m, 'AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(403);
    expect((await get('00000000-0000-7000-8000-000000000000', pointer.k)).status).toBe(403); // a token opens only its own message

    // After its TTL: gone, and housekeeping deletes it.
    await tdb.db
      .update(messages)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(messages.id, pointer.m));
    expect((await get(pointer.m, pointer.k)).status).toBe(404);
    expect((await collectExpiredMessages(tdb.db)).messages).toBeGreaterThanOrEqual(1);
    expect(await tdb.db.select().from(messages).where(eq(messages.id, pointer.m))).toHaveLength(0);
  });

  it('stores automatically when an API notification does not fit one push', async () => {
    await browser(['news']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Big', scopes: ['send'] });
    const res = await notificationsRoute(
      new Request('http://localhost/api/v1/notifications', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ topics: ['news'], title: 'Auto', data: { blob: 'y'.repeat(5000) } }),
      }),
    );
    expect(res.status).toBe(202);
    const { campaignId } = (await res.json()) as { campaignId: string };
    const c = await completed(campaignId);
    expect(c.storeContent).toBe(true);
    expect(c.messageId).not.toBeNull();
  });
});

describe('the pushbox-style store API', () => {
  const call = (method: string, subscriptionId: string, key: string, body?: unknown, query = '') => {
    const req = new Request(`http://localhost/api/v1/store/${subscriptionId}${query}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const ctx = { params: Promise.resolve({ subscriptionId }) };
    return method === 'POST' ? storeWriteRoute(req, ctx) : method === 'GET' ? storeReadRoute(req, ctx) : storeDeleteRoute(req, ctx);
  };

  it('writes, pages by index, skips expired records and deletes', async () => {
    const s = await browser(['news']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Store', scopes: ['send'] });
    const written: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await call('POST', s.id, key, { ttl: 300, data: `record ${i}` });
      expect(res.status).toBe(201);
      written.push(((await res.json()) as { index: number }).index);
    }
    expect([...written].sort((a, b) => a - b)).toEqual(written); // increasing
    // One record expires.
    await tdb.db
      .update(storeMessages)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(storeMessages.idx, written[3]!));

    const seen: string[] = [];
    let index = 0;
    for (let page = 0; page < 5; page++) {
      const res = await call('GET', s.id, key, undefined, `?index=${index}&limit=10`);
      const body = (await res.json()) as { last: boolean; index: number; messages: { index: number; data: string }[] };
      seen.push(...body.messages.map((m) => m.data));
      index = body.index;
      if (body.last) break;
    }
    expect(seen).toHaveLength(24);
    expect(seen).not.toContain('record 3');
    expect(seen[0]).toBe('record 0');
    expect(seen.at(-1)).toBe('record 24');

    expect((await call('DELETE', s.id, key)).status).toBe(204);
    const empty = (await (await call('GET', s.id, key, undefined, '?index=0')).json()) as { last: boolean; messages: unknown[] };
    expect(empty).toMatchObject({ last: true, messages: [] });
  });

  it('keeps each key’s records to itself: another key, a limited key and a token see none and delete none', async () => {
    const s = await browser(['news']);
    const { key: a } = await createApiKey(ctxFor(tdb), { name: 'Writer', scopes: ['send'] });
    const { key: b } = await createApiKey(ctxFor(tdb), { name: 'Other', scopes: ['send'] });
    const newsId = rowsOf<{ id: string }>(await tdb.db.execute(sql`select id from topics where slug = 'news'`))[0]!.id;
    const { key: limited } = await createApiKey(ctxFor(tdb), { name: 'News only', scopes: ['send'], topicIds: [newsId] });
    expect((await call('POST', s.id, a, { ttl: 300, data: 'mine' })).status).toBe(201);
    expect((await call('POST', s.id, b, { ttl: 300, data: 'theirs' })).status).toBe(201);
    const read = async (k: string) => ((await (await call('GET', s.id, k)).json()) as { messages: { data: string }[] }).messages.map((m) => m.data);
    expect(await read(a)).toEqual(['mine']);
    expect(await read(b)).toEqual(['theirs']);
    expect(await read(limited)).toEqual([]);
    expect((await call('DELETE', s.id, limited)).status).toBe(204);
    expect((await call('DELETE', s.id, b)).status).toBe(204);
    expect(await read(a)).toEqual(['mine']);
    expect(await read(b)).toEqual([]);
    const owners = await tdb.db.select({ owner: storeMessages.owner }).from(storeMessages).where(eq(storeMessages.subscriptionId, s.id));
    expect(owners).toEqual([{ owner: expect.stringMatching(/^key:/) }]);
  });

  it('refuses bad input, unknown subscribers, and subscribers outside a key’s topics', async () => {
    const inside = await browser(['news']);
    const outside = await browser(['other']);
    const { key } = await createApiKey(ctxFor(tdb), { name: 'Store', scopes: ['send'] });
    for (const [body, status] of [
      [{ ttl: 0, data: 'x' }, 400],
      [{ ttl: 60 }, 400],
      [{ ttl: 60, data: '' }, 400],
      [{ ttl: 60, data: 'x', extra: 1 }, 400],
      [{ ttl: 999_999_999, data: 'x' }, 400],
    ] as const) {
      expect((await call('POST', inside.id, key, body)).status).toBe(status);
    }
    expect((await call('POST', '00000000-0000-7000-8000-000000000000', key, { ttl: 60, data: 'x' })).status).toBe(404);
    expect((await call('GET', inside.id, key, undefined, '?limit=500')).status).toBe(400);
    const newsId = rowsOf<{ id: string }>(await tdb.db.execute(sql`select id from topics where slug = 'news'`))[0]!.id;
    const { key: limited } = await createApiKey(ctxFor(tdb), { name: 'News store', scopes: ['send'], topicIds: [newsId] });
    expect((await call('POST', inside.id, limited, { ttl: 60, data: 'ok' })).status).toBe(201);
    // Outside its topics reads like a subscription that does not exist: a limited key learns nothing.
    expect((await call('POST', outside.id, limited, { ttl: 60, data: 'no' })).status).toBe(404);
    for (const index of ['0x10', '1e1', '+1', ' 1', '1.0', '-0']) {
      expect((await call('GET', inside.id, key, undefined, `?index=${encodeURIComponent(index)}`)).status, index).toBe(400);
    }
    expect((await call('GET', inside.id, 'pd_nope')).status).toBe(401);
  });
});
