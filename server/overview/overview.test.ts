/**
 * The Overview numbers on seeded data: subscribers (active, new, ended, by topic), sends and the
 * success rate from campaign_stats (windows, outcomes that do not count), the daily series, and
 * the recent / upcoming campaign lists.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, campaignStats, subscriptions, subscriptionTopics, vapidKeys, type CampaignStatus, DEFAULT_PROJECT_ID } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import type { Actor } from '../context';
import { subscribe, unsubscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { forgetActiveKeyCache } from '../vapid/keys';
import { ensureActiveVapidKey } from '../vapid/mutations';
import { getOverview, SERIES_DAYS } from './queries';

const DAY = 86_400_000;
const viewer: Actor = { kind: 'user', id: '00000000-0000-7000-8000-000000000001', email: 'viewer@example.com', name: '', role: 'viewer' };
let tdb: TestDatabase;
const topicIds: Record<string, string> = {};
let keyId = '';

function keys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}
const endpoint = () => `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`;

async function sub(topics: string[]) {
  const e = endpoint();
  const r = await subscribe(tdb, { subscription: { endpoint: e, keys: keys() }, topics });
  return { id: r.id, endpoint: e };
}

/** A subscription made `daysAgo` days ago, its id minted then (ids are UUIDv7). */
async function pastSub(daysAgo: number, topics: string[], ended?: { status: 'expired' | 'unsubscribed'; daysAgo: number }) {
  const at = Date.now() - daysAgo * DAY;
  const b = randomBytes(16);
  b.writeUIntBE(at, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  const k = keys();
  await tdb.db.insert(subscriptions).values({
    projectId: DEFAULT_PROJECT_ID,
    id,
    endpoint: endpoint(),
    ...k,
    vapidKeyId: keyId,
    pushService: 'fcm.googleapis.com',
    createdAt: new Date(at),
    status: ended?.status ?? 'active',
    endedAt: ended ? new Date(Date.now() - ended.daysAgo * DAY) : null,
  });
  for (const t of topics) await tdb.db.insert(subscriptionTopics).values({ subscriptionId: id, topicId: topicIds[t]! });
}

async function campaign(name: string, status: CampaignStatus, extra: Partial<typeof campaigns.$inferInsert> = {}) {
  const [c] = await tdb.db
    .insert(campaigns)
    .values({ projectId: DEFAULT_PROJECT_ID, name, status, content: { title: name }, createdByLabel: 'test', ...extra })
    .returning();
  return c!;
}

const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

beforeAll(async () => {
  process.env.PUSH_ALLOWED_HOSTS = 'default';
  tdb = await openTestDatabase();
  forgetActiveKeyCache();
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  keyId = (await tdb.db.select({ id: vapidKeys.id }).from(vapidKeys).where(eq(vapidKeys.status, 'active')))[0]!.id;
  for (const [slug, name] of [
    ['news', 'News'],
    ['offers', 'Offers'],
    ['sport', 'Sport'],
  ] as const) {
    topicIds[slug] = (await createTopic(ctxFor(tdb), { slug, name })).id;
  }
});

afterAll(async () => {
  await tdb?.dispose();
});

describe('getOverview', () => {
  it('is empty but whole on a fresh install', async () => {
    const o = await getOverview(ctxFor(tdb, viewer));
    expect(o.subscribers).toEqual({
      active: 0,
      new7d: 0,
      new30d: 0,
      expired30d: 0,
      unsubscribed30d: 0,
      byTopic: [
        { id: topicIds.news, name: 'News', slug: 'news', active: 0 },
        { id: topicIds.offers, name: 'Offers', slug: 'offers', active: 0 },
        { id: topicIds.sport, name: 'Sport', slug: 'sport', active: 0 },
      ],
    });
    expect(o.sends).toEqual({ sent7d: 0, sent30d: 0, failed30d: 0, expired30d: 0, successRate30d: null });
    expect(o.daily).toHaveLength(SERIES_DAYS);
    expect(o.daily.every((d) => d.sent === 0 && d.failed === 0 && d.expired === 0)).toBe(true);
    expect(o.daily.at(-1)!.day).toBe(dayOf(new Date()));
    expect(o.recentCampaigns).toEqual([]);
    expect(o.upcomingCampaigns).toEqual([]);
  });

  it('counts subscribers, sends and campaigns on seeded data', async () => {
    // Subscribers: 5 new today (one then unsubscribes, one expires), one 10 days old, one 40
    // days old, and one that ended 40 days ago.
    await sub(['news']);
    await sub(['news', 'offers']);
    await sub(['offers']);
    const leaving = await sub(['news']);
    const expiring = await sub(['offers']);
    await unsubscribe(tdb, { endpoint: leaving.endpoint });
    await tdb.db.update(subscriptions).set({ status: 'expired', endedAt: new Date() }).where(eq(subscriptions.id, expiring.id));
    await pastSub(10, ['news']);
    await pastSub(40, ['offers']);
    await pastSub(60, [], { status: 'unsubscribed', daysAgo: 40 });

    // Sends: the last hour, 10 days ago, and 40 days ago (outside every window).
    const now = Date.now();
    const a = await campaign('Alpha', 'completed', { createdAt: new Date(now - 50 * DAY), targeted: 1000, sent: 1000 });
    const b = await campaign('Bravo', 'completed', { createdAt: new Date(now - 11 * DAY), targeted: 60, sent: 52, failed: 2 });
    const c = await campaign('Charlie', 'sending', { createdAt: new Date(now - 2 * 3600_000), targeted: 200, sent: 100, failed: 5, expired: 3 });
    const recentBucket = minute(now - 3600_000);
    const olderBucket = minute(now - 10 * DAY);
    await tdb.db.insert(campaignStats).values([
      { campaignId: c.id, bucket: recentBucket, pushService: 'fcm.googleapis.com', outcome: 'sent', count: 60, latencySumMs: 600 },
      { campaignId: c.id, bucket: recentBucket, pushService: 'updates.push.services.mozilla.com', outcome: 'sent', count: 40, latencySumMs: 400 },
      { campaignId: c.id, bucket: recentBucket, pushService: 'fcm.googleapis.com', outcome: 'failed', count: 5 },
      { campaignId: c.id, bucket: recentBucket, pushService: 'fcm.googleapis.com', outcome: 'expired', count: 3 },
      // Retries are not outcomes: they never count.
      { campaignId: c.id, bucket: recentBucket, pushService: 'fcm.googleapis.com', outcome: 'retrying', count: 7 },
      { campaignId: b.id, bucket: olderBucket, pushService: 'fcm.googleapis.com', outcome: 'sent', count: 50 },
      { campaignId: b.id, bucket: olderBucket, pushService: 'fcm.googleapis.com', outcome: 'failed', count: 2 },
      { campaignId: a.id, bucket: minute(now - 40 * DAY), pushService: 'fcm.googleapis.com', outcome: 'sent', count: 1000 },
    ]);
    // More campaigns for the lists.
    const later = await campaign('Scheduled later', 'scheduled', { createdAt: new Date(now - 5 * DAY), scheduledAt: new Date(now + 2 * DAY) });
    const soon = await campaign('Scheduled soon', 'scheduled', { createdAt: new Date(now - 4 * DAY), scheduledAt: new Date(now + DAY) });
    const paused = await campaign('Paused', 'paused', { createdAt: new Date(now - 3 * DAY) });
    const draft = await campaign('Draft', 'draft', { createdAt: new Date(now - 60_000) });

    const o = await getOverview(ctxFor(tdb, viewer));
    expect(o.subscribers).toEqual({
      active: 5,
      new7d: 5,
      new30d: 6,
      expired30d: 1,
      unsubscribed30d: 1,
      byTopic: [
        { id: topicIds.news, name: 'News', slug: 'news', active: 3 },
        { id: topicIds.offers, name: 'Offers', slug: 'offers', active: 3 },
        { id: topicIds.sport, name: 'Sport', slug: 'sport', active: 0 },
      ],
    });
    expect(o.sends).toEqual({ sent7d: 100, sent30d: 150, failed30d: 7, expired30d: 3, successRate30d: 150 / 160 });

    expect(o.daily).toHaveLength(SERIES_DAYS);
    expect(o.daily.at(-1)!.day).toBe(dayOf(new Date()));
    const days = o.daily.map((d) => d.day);
    expect(new Set(days).size).toBe(SERIES_DAYS);
    expect([...days].sort()).toEqual(days);
    const recentDay = o.daily.find((d) => d.day === dayOf(recentBucket))!;
    expect(recentDay).toEqual({ day: dayOf(recentBucket), sent: 100, failed: 5, expired: 3 });
    expect(o.daily.find((d) => d.day === dayOf(olderBucket))).toEqual({ day: dayOf(olderBucket), sent: 50, failed: 2, expired: 0 });
    expect(o.daily.reduce((s, d) => s + d.sent, 0)).toBe(150);

    expect(o.recentCampaigns.map((x) => x.name)).toEqual(['Draft', 'Charlie', 'Paused', 'Scheduled soon', 'Scheduled later']);
    expect(o.recentCampaigns[1]).toMatchObject({ id: c.id, status: 'sending', targeted: 200, sent: 100 });
    expect(o.upcomingCampaigns.map((x) => x.id)).toEqual([c.id, paused.id, soon.id, later.id]);
    expect(o.upcomingCampaigns.map((x) => x.id)).not.toContain(draft.id);
  });

  it('is open to every signed-in role, and to nobody else', async () => {
    for (const role of ['viewer', 'marketer', 'admin', 'owner'] as const) {
      await expect(getOverview(ctxFor(tdb, { ...viewer, role }))).resolves.toBeTruthy();
    }
    const err = await getOverview(ctxFor(tdb, { kind: 'api-key', id: 'k', name: 'k', topicIds: null, scopes: ['send', 'manage'] })).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('forbidden');
  });
});
