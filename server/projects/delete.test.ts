/**
 * Deleting a project: everything of it goes in one transaction (topics, keys, subscribers,
 * campaigns with their deliveries, stats and receipts, stored messages, the store), and nothing of
 * another project's; the default project, an unknown slug, a wrong confirmation, a campaign in
 * progress and a caller who is not an owner are refused with nothing deleted.
 */
import { generateKeyPairSync } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db';
import { pgArrayLiteral } from '../../db/arrays';
import {
  apiKeys,
  auditLogs,
  campaigns,
  campaignStats,
  deliveries,
  messages,
  projects,
  receipts,
  storeMessages,
  subscriptions,
  subscriptionTopics,
  tokenKeys,
  topics,
  vapidClaims,
  vapidKeys,
  type CampaignStatus,
} from '../../db/schema';
import { ctxFor, openTestDatabase, owner, type TestDatabase } from '../../tests/support/db';
import { addTokenKey, createApiKey } from '../api-keys/mutations';
import { createCampaign } from '../campaigns/mutations';
import { DEFAULT_PROJECT, type Ctx, type ProjectRef } from '../context';
import { storeWrite } from '../store/pushbox';
import { subscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { ensureActiveVapidKey } from '../vapid/mutations';
import { createProject, deleteProject } from './mutations';
import { listProjects } from './queries';
import { resolveProject } from './resolve';
import { fakeBrowserSubscription } from '../../tests/support/browser';

let tdb: TestDatabase;
let shop: ProjectRef;
const seeded: Record<string, { campaignIds: string[]; subscriptionIds: string[] }> = {};
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );
const message = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.message,
  );

const browser = fakeBrowserSubscription;

/** The same data in a project: some of every table a project owns. */
async function seed(ctx: Ctx) {
  await createTopic(ctx, { slug: 'news', name: 'News' });
  await createTopic(ctx, { slug: 'deals', name: 'Deals' });
  const subs = [
    (await subscribe(ctx, { subscription: browser(), topics: ['news'] })).id,
    (await subscribe(ctx, { subscription: browser(), topics: ['news', 'deals'] })).id,
  ];
  const done = await createCampaign(ctx, { name: 'Sent one', content: { title: 'Hello' }, audience: 'all' });
  const draft = await createCampaign(ctx, { name: 'A draft', content: { title: 'Later' }, audience: 'all' });
  await ctx.db.update(campaigns).set({ status: 'completed' }).where(eq(campaigns.id, done.id));
  const [key] = await ctx.db.select().from(vapidKeys).where(eq(vapidKeys.projectId, ctx.project.id));
  const [claim] = await ctx.db
    .insert(vapidClaims)
    .values({
      projectId: ctx.project.id,
      vapidKeyId: key!.id,
      publicKey: key!.publicKey,
      aud: 'https://fcm.googleapis.com',
      sub: 'mailto:x@example.com',
      exp: new Date(),
    })
    .returning();
  for (const s of subs) {
    await ctx.db
      .insert(deliveries)
      .values({ campaignId: done.id, subscriptionId: s, status: 'sent', pushService: 'fcm.googleapis.com', vapidClaimId: claim!.id });
  }
  await ctx.db.insert(campaignStats).values({ campaignId: done.id, bucket: new Date(), pushService: 'fcm.googleapis.com', outcome: 'sent', count: 2 });
  await ctx.db.insert(receipts).values({ campaignId: done.id, subscriptionId: subs[0]!, kind: 'shown' });
  await ctx.db
    .insert(messages)
    .values({ projectId: ctx.project.id, campaignId: done.id, content: { title: 'Hello' }, expiresAt: new Date(Date.now() + 3600_000) });
  const { apiKey } = await createApiKey(ctx, { name: 'Sender', scopes: ['send'] });
  const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await addTokenKey(ctx, { name: 'Signer', publicKey: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const asKey: Ctx = { ...ctx, actor: { kind: 'api-key', id: apiKey.id, name: apiKey.name, topicIds: null, scopes: ['send'] } };
  await storeWrite(asKey, subs[0]!, { ttl: 600, data: 'kept for the program' });
  seeded[ctx.project.id] = { campaignIds: [done.id, draft.id], subscriptionIds: subs };
}

const count = async (q: SQL) => Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from ${q}`))[0]!.n);

/** How many rows of each table belong to the project (child rows found by the ids seeded, so leftovers would show). */
async function census(project: ProjectRef) {
  const { campaignIds, subscriptionIds } = seeded[project.id]!;
  const ofCampaigns = (t: PgTable) => count(sql`${t} where campaign_id = any(${pgArrayLiteral(campaignIds)}::uuid[])`);
  const own = (t: PgTable) => count(sql`${t} where project_id = ${project.id}`);
  return {
    topics: await own(topics),
    vapidKeys: await own(vapidKeys),
    vapidClaims: await own(vapidClaims),
    subscriptions: await own(subscriptions),
    subscriptionTopics: await count(sql`${subscriptionTopics} where subscription_id = any(${pgArrayLiteral(subscriptionIds)}::uuid[])`),
    campaigns: await own(campaigns),
    deliveries: await ofCampaigns(deliveries),
    campaignStats: await ofCampaigns(campaignStats),
    receipts: await ofCampaigns(receipts),
    messages: await own(messages),
    apiKeys: await own(apiKeys),
    tokenKeys: await own(tokenKeys),
    storeMessages: await own(storeMessages),
    projects: await count(sql`${projects} where id = ${project.id}`),
  };
}

beforeAll(async () => {
  tdb = await openTestDatabase();
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  const p = await createProject(ctxFor(tdb), { slug: 'shop', name: 'Shop', origins: ['https://shop.example'] });
  shop = { id: p.id, slug: p.slug };
  await seed(ctxFor(tdb));
  await seed(ctxFor(tdb, owner, shop));
}, 60_000);
afterAll(async () => tdb?.dispose());

describe('deleteProject refuses', () => {
  let before: Awaited<ReturnType<typeof census>>;
  beforeAll(async () => {
    before = await census(shop);
    // Some of every table, so "all zero" afterwards means something.
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
  });

  it('a caller who is not an owner: forbidden', async () => {
    const admin = ctxFor(tdb, { kind: 'user', id: '01900000-0000-7000-8000-0000000000aa', email: 'a@example.com', name: 'A', role: 'admin' }, shop);
    expect(await code(deleteProject(admin, 'shop', 'shop'))).toBe('forbidden');
    const key: Ctx = { ...ctxFor(tdb, owner, shop), actor: { kind: 'api-key', id: 'k', name: 'K', topicIds: null, scopes: ['send', 'manage'] } };
    expect(await code(deleteProject(key, 'shop', 'shop'))).toBe('forbidden');
    expect(await census(shop)).toEqual(before);
  });

  it('the default project: unprocessable', async () => {
    const refused = deleteProject(ctxFor(tdb), 'default', 'default');
    expect(await code(refused)).toBe('unprocessable');
    expect(await message(deleteProject(ctxFor(tdb), 'default', 'default'))).toMatch(/default project: it cannot be deleted/);
    expect(await census(DEFAULT_PROJECT)).toMatchObject({ projects: 1, subscriptions: 2, campaigns: 2 });
  });

  it('an unknown or malformed slug: not_found', async () => {
    expect(await code(deleteProject(ctxFor(tdb), 'nope', 'nope'))).toBe('not_found');
    expect(await message(deleteProject(ctxFor(tdb), 'nope', 'nope'))).toBe('There is no project "nope".');
    expect(await code(deleteProject(ctxFor(tdb), 'Not a slug!', 'Not a slug!'))).toBe('not_found');
  });

  it('a confirmation that is not the slug: validation_failed, nothing deleted', async () => {
    const wrong = deleteProject(ctxFor(tdb), 'shop', 'shpo').catch((e: unknown) => e);
    expect(await wrong).toMatchObject({ code: 'validation_failed', message: 'To delete the project, repeat its slug "shop" to confirm.' });
    expect(await code(deleteProject(ctxFor(tdb), 'shop', ''))).toBe('validation_failed');
    expect(await census(shop)).toEqual(before);
  });

  it.each<CampaignStatus>(['sending', 'queued', 'paused', 'scheduled'])('a %s campaign: conflict, nothing deleted', async (status) => {
    const draft = seeded[shop.id]!.campaignIds[1]!;
    await tdb.db.update(campaigns).set({ status }).where(eq(campaigns.id, draft));
    try {
      const refused = deleteProject(ctxFor(tdb), 'shop', 'shop').catch((e: unknown) => e);
      expect(await refused).toMatchObject({ code: 'conflict', message: expect.stringContaining(`(1 ${status}). Cancel them`) });
      expect(await census(shop)).toEqual(before);
    } finally {
      await tdb.db.update(campaigns).set({ status: 'draft' }).where(eq(campaigns.id, draft));
    }
  });

  // Two connections, so PostgreSQL only: a send that changed the campaign but has not committed
  // when the delete reads the statuses. The delete waits for the campaign's row and sees it queued.
  it.runIf(process.env.TEST_DB === 'postgres')('a campaign sent while the delete runs: the delete waits for it and refuses', async () => {
    const draft = seeded[shop.id]!.campaignIds[1]!;
    let release!: () => void;
    let changed!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const isChanged = new Promise<void>((r) => (changed = r));
    const send = tdb.db.transaction(async (tx) => {
      await tx.update(campaigns).set({ status: 'queued' }).where(eq(campaigns.id, draft));
      changed();
      await held;
    });
    try {
      await isChanged;
      const refused = deleteProject(ctxFor(tdb), 'shop', 'shop').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      release();
      await send;
      expect(await refused).toMatchObject({ code: 'conflict', message: expect.stringContaining('(1 queued)') });
      expect(await census(shop)).toEqual(before);
    } finally {
      release();
      await send.catch(() => {});
      await tdb.db.update(campaigns).set({ status: 'draft' }).where(eq(campaigns.id, draft));
    }
  });
});

describe('deleteProject', () => {
  it("removes every row of the project and none of another's, audits it and forgets the cached lookup", async () => {
    const other = await census(DEFAULT_PROJECT);
    // Cached now: after the delete the lookup must not find it any more.
    expect((await resolveProject(tdb.db, 'shop')).ref.id).toBe(shop.id);
    // A cancelled campaign is over: it does not hold the project back.
    await tdb.db.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, seeded[shop.id]!.campaignIds[1]!));

    const removed = await deleteProject(ctxFor(tdb), ' Shop ', 'shop');
    expect(removed).toEqual({ slug: 'shop', name: 'Shop', subscribers: 2, campaigns: 2, topics: 2 });

    const after = await census(shop);
    for (const [table, n] of Object.entries(after)) expect(n, table).toBe(0);
    expect(await census(DEFAULT_PROJECT)).toEqual(other);
    expect((await listProjects(ctxFor(tdb))).map((p) => p.slug)).toEqual(['default']);
    expect(await code(resolveProject(tdb.db, 'shop'))).toBe('not_found');

    const [audit] = await tdb.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'project.delete'), eq(auditLogs.targetId, shop.id)));
    expect(audit).toMatchObject({
      projectId: null,
      actorLabel: 'cli',
      targetType: 'project',
      targetLabel: 'shop',
      before: { slug: 'shop', name: 'Shop', origins: ['https://shop.example'], subscribers: 2, campaigns: 2, topics: 2 },
    });
    // The project's own trail stays: it is history.
    expect(await count(sql`${auditLogs} where project_id = ${shop.id}`)).toBeGreaterThan(0);
  });
});
