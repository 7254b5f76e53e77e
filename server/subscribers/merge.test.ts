/**
 * The code migration that merges subscriptions stored under different spellings of one endpoint
 * (db/code-migrations.ts), on rows written as the old code wrote them.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_MIGRATIONS, mergeEndpointSpellings, runCodeMigrations } from '../../db/code-migrations';
import {
  campaigns,
  codeMigrations,
  deliveries,
  receipts,
  storeMessages,
  subscriptions,
  subscriptionTopics,
  topics,
  vapidKeys,
  DEFAULT_PROJECT_ID,
} from '../../db/schema';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { createTopic } from '../topics/mutations';
import { ensureActiveVapidKey } from '../vapid/mutations';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  for (const slug of ['news', 'deals', 'vip']) await createTopic(ctxFor(tdb), { slug, name: slug });
});
afterAll(async () => {
  await tdb?.dispose();
});

const keys = () => {
  const e = createECDH('prime256v1');
  e.generateKeys();
  return { p256dh: e.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
};

describe('merging endpoint spellings', () => {
  it('keeps the oldest row with its history, the union of topics and the newest keys; rewrites lone spellings; runs once', async () => {
    const [key] = await tdb.db.select().from(vapidKeys);
    const topicId = Object.fromEntries((await tdb.db.select().from(topics)).map((t) => [t.slug, t.id]));
    const token = randomBytes(10).toString('base64url');
    const spell = [`https://127.0.0.1:4190/push/${token}`, `https://127.0.0.1:04190/push/${token}`, `https://2130706433:4190/push/${token}#x`];
    const newest = keys();
    const rows: (typeof subscriptions.$inferSelect)[] = [];
    for (const [i, endpoint] of spell.entries()) {
      const k = i === 2 ? newest : keys();
      const [r] = await tdb.db
        .insert(subscriptions)
        .values({
          projectId: DEFAULT_PROJECT_ID,
          endpoint,
          ...k,
          vapidKeyId: key!.id,
          pushService: '127.0.0.1',
          createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
          updatedAt: new Date(Date.UTC(2026, 5, 1 + i)),
          userAgent: `ua ${i}`,
        })
        .returning();
      rows.push(r!);
    }
    await tdb.db.insert(subscriptionTopics).values([
      { subscriptionId: rows[0]!.id, topicId: topicId.news! },
      { subscriptionId: rows[1]!.id, topicId: topicId.deals! },
      { subscriptionId: rows[2]!.id, topicId: topicId.news! },
    ]);
    const [c1] = await tdb.db
      .insert(campaigns)
      .values({ projectId: DEFAULT_PROJECT_ID, name: 'one', content: { title: 'one' }, createdByLabel: 'test', status: 'completed' })
      .returning();
    const [c2] = await tdb.db
      .insert(campaigns)
      .values({ projectId: DEFAULT_PROJECT_ID, name: 'two', content: { title: 'two' }, createdByLabel: 'test', status: 'completed' })
      .returning();
    // Campaign one reached all three spellings; campaign two only the second.
    for (const r of rows) await tdb.db.insert(deliveries).values({ campaignId: c1!.id, subscriptionId: r.id, status: 'sent', pushService: '127.0.0.1' });
    await tdb.db.insert(deliveries).values({ campaignId: c2!.id, subscriptionId: rows[1]!.id, status: 'sent', pushService: '127.0.0.1', httpStatus: 201 });
    await tdb.db.insert(receipts).values({ campaignId: c2!.id, subscriptionId: rows[1]!.id, kind: 'clicked' });
    await tdb.db
      .insert(storeMessages)
      .values({ projectId: DEFAULT_PROJECT_ID, subscriptionId: rows[2]!.id, owner: 'key:x', data: 'kept', expiresAt: new Date(Date.now() + 3600_000) });
    // A lone non-canonical spelling is rewritten in place.
    const [lone] = await tdb.db
      .insert(subscriptions)
      .values({
        projectId: DEFAULT_PROJECT_ID,
        endpoint: `https://FCM.googleapis.com:443/fcm/send/${token}?x=9`,
        ...keys(),
        vapidKeyId: key!.id,
        pushService: 'fcm.googleapis.com',
      })
      .returning();

    await tdb.db.delete(codeMigrations);
    await runCodeMigrations(tdb.db);

    const left = await tdb.db
      .select()
      .from(subscriptions)
      .where(inArray(subscriptions.id, [...rows.map((r) => r.id), lone!.id]));
    expect(left.map((r) => r.id).sort()).toEqual([rows[0]!.id, lone!.id].sort());
    const kept = left.find((r) => r.id === rows[0]!.id)!;
    expect(kept).toMatchObject({ endpoint: spell[0], p256dh: newest.p256dh, auth: newest.auth, userAgent: 'ua 2', createdAt: rows[0]!.createdAt });
    expect(left.find((r) => r.id === lone!.id)!.endpoint).toBe(`https://fcm.googleapis.com/fcm/send/${token}`);
    const topicsOf = (await tdb.db.select().from(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, kept.id))).map((t) => t.topicId).sort();
    expect(topicsOf).toEqual([topicId.news!, topicId.deals!].sort());
    const history = await tdb.db.select().from(deliveries).where(eq(deliveries.subscriptionId, kept.id));
    expect(history.map((d) => d.campaignId).sort()).toEqual([c1!.id, c2!.id].sort()); // one per campaign
    expect(await tdb.db.select().from(receipts).where(eq(receipts.subscriptionId, kept.id))).toHaveLength(1);
    expect((await tdb.db.select().from(storeMessages).where(eq(storeMessages.subscriptionId, kept.id))).map((m) => m.data)).toEqual(['kept']);

    // Recorded, and not run again.
    expect((await tdb.db.select().from(codeMigrations)).map((m) => m.name)).toEqual(CODE_MIGRATIONS.map((m) => m.name));
    await tdb.db
      .update(subscriptions)
      .set({ endpoint: `${spell[0]}#again` })
      .where(eq(subscriptions.id, kept.id));
    await runCodeMigrations(tdb.db);
    expect((await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, kept.id)))[0]!.endpoint).toBe(`${spell[0]}#again`);
    // Run directly it is idempotent on canonical data.
    await tdb.db.update(subscriptions).set({ endpoint: spell[0]! }).where(eq(subscriptions.id, kept.id));
    expect(await tdb.db.transaction((tx) => mergeEndpointSpellings(tx as never))).toEqual({ endpoints: 0, merged: 0 });
  });

  it('rolls back wholly when it fails, leaving nothing recorded', async () => {
    await tdb.db.delete(codeMigrations);
    const failing = {
      name: 'failing',
      run: async (tx: Parameters<typeof mergeEndpointSpellings>[0]) => {
        await tx.delete(subscriptions);
        throw new Error('boom');
      },
    };
    const before = (await tdb.db.select().from(subscriptions)).length;
    await expect(runCodeMigrations(tdb.db, [failing])).rejects.toThrow('boom');
    expect((await tdb.db.select().from(subscriptions)).length).toBe(before);
    expect(await tdb.db.select().from(codeMigrations)).toHaveLength(0);
  });
});
