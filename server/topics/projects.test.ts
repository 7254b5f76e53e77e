/**
 * Topics belong to a project: two projects may use the same slug, and nothing reads, changes,
 * targets or subscribes to another project's topic. (Projects have no service yet; the second
 * one is inserted directly.)
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../campaigns/mutations';
import type { ProjectRef } from '../context';
import { DEFAULT_PROJECT } from '../context';
import { subscribe } from '../subscribers/subscribe';
import { ensureActiveVapidKey } from '../vapid/mutations';
import { ctxFor, openTestDatabase, owner, type TestDatabase } from '../../tests/support/db';
import { createTopic, deleteTopic, patchTopic, updateTopic } from './mutations';
import { listPublicTopics, listTopics, topicTitle } from './queries';
import { createECDH, randomBytes } from 'node:crypto';

let tdb: TestDatabase;
const shop: ProjectRef = { id: '01900000-0000-7000-8000-00000000c0de', slug: 'shop' };
const inDefault = () => ctxFor(tdb);
const inShop = () => ctxFor(tdb, owner, shop);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

beforeAll(async () => {
  tdb = await openTestDatabase();
  await tdb.db.execute(sql`insert into projects (id, slug, name) values (${shop.id}, ${shop.slug}, 'Shop')`);
  await ensureActiveVapidKey(tdb.db);
});
afterAll(async () => tdb?.dispose());

describe('topics per project', () => {
  let defaultNews: string;
  let shopNews: string;

  beforeAll(async () => {
    defaultNews = (await createTopic(inDefault(), { slug: 'news', name: 'News' })).id;
    shopNews = (await createTopic(inShop(), { slug: 'news', name: 'Shop news' })).id;
    await createTopic(inShop(), { slug: 'deals', name: 'Deals' });
  });

  it('lets two projects use the same slug and lists each its own', async () => {
    expect((await listTopics(inDefault())).map((t) => [t.slug, t.name])).toEqual([['news', 'News']]);
    expect((await listTopics(inShop())).map((t) => [t.slug, t.name])).toEqual([
      ['deals', 'Deals'],
      ['news', 'Shop news'],
    ]);
    expect((await listPublicTopics(inShop())).map((t) => t.slug).sort()).toEqual(['deals', 'news']);
    expect(await topicTitle(inDefault(), 'deals')).toBeNull();
    expect(await code(createTopic(inShop(), { slug: 'deals', name: 'Twice' }))).toBe('conflict');
  });

  it("does not change or delete another project's topic", async () => {
    expect(await code(updateTopic(inDefault(), { id: shopNews, slug: 'news', name: 'Taken over', description: '', isPublic: true }))).toBe('not_found');
    expect(await code(patchTopic(inDefault(), 'deals', { name: 'Taken over' }))).toBe('not_found');
    expect(await code(deleteTopic(inDefault(), { slug: 'deals' }))).toBe('not_found');
    expect(await code(deleteTopic(inDefault(), { id: shopNews }))).toBe('not_found');
    expect((await listTopics(inShop())).map((t) => t.name)).toEqual(['Deals', 'Shop news']);
  });

  it("does not target another project's topic in a campaign", async () => {
    const draft = { content: { title: 'Hello' }, audience: 'any', topicIds: [shopNews] };
    expect(await code(createCampaign(inDefault(), draft))).toBe('validation_failed');
    expect(await code(createCampaign(inDefault(), { ...draft, topicIds: [defaultNews] }))).toBe('ok');
  });

  it("does not subscribe a browser to another project's topic", async () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const body = (topics: string[]) => ({
      subscription: {
        endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
      },
      topics,
    });
    expect(await code(subscribe({ db: tdb.db, project: DEFAULT_PROJECT }, body(['deals'])))).toBe('unprocessable');
    const ok = await subscribe({ db: tdb.db, project: DEFAULT_PROJECT }, body(['news']));
    expect(ok.topics).toEqual(['news']);
  });
});
