/**
 * The delivery engine end to end on a real database and a real job queue, sending over HTTPS to
 * the push-service test server, which checks VAPID and headers and decrypts every message.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLogs, campaigns, deliveries, subscriptions, vapidClaims, vapidKeys } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import type { Actor } from '../context';
import { cancelCampaign, createCampaign, pauseCampaign, resumeCampaign, scheduleCampaign, sendCampaignNow } from '../campaigns/mutations';
import { sendTestNotification } from './test-send';
import { getRuntime, stopRuntime } from '../runtime';
import { subscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { createUser } from '../users/mutations';
import { forgetActiveKeyCache } from '../vapid/keys';
import { countAudience } from './audience';
import { pgArrayLiteral } from '../../db/arrays';
import { updateDeliverySettings } from './settings';

let tdb: TestDatabase;
const server = new PushServiceServer();
const topicIds: Record<string, string> = {};

beforeAll(async () => {
  process.env.RECONCILE_SECONDS = '2';
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web'); // queue + in-process worker on the test database
  const root = ctxFor(tdb);
  for (const slug of ['news', 'sport', 'deals']) topicIds[slug] = (await createTopic(root, { slug, name: slug })).id;
  await updateDeliverySettings(root, { concurrency: 20, batchSize: 10, maxAttempts: 4, retryBaseSeconds: 1, ratePerService: 0 });
  const m = await createUser(root, { email: 'm@example.com', password: 'a-long-password', role: 'marketer' });
  const v = await createUser(root, { email: 'v@example.com', password: 'a-long-password', role: 'viewer' });
  marketer = { kind: 'user', id: m.id, email: m.email, name: '', role: 'marketer' };
  viewer = { kind: 'user', id: v.id, email: v.email, name: '', role: 'viewer' };
}, 60_000);

afterAll(async () => {
  await stopRuntime(); // closes the database too
  await server.stop();
  await tdb?.dispose();
});

beforeEach(async () => {
  server.reset();
  await tdb.db.delete(campaigns);
  await tdb.db.delete(subscriptions);
});

async function activeKey() {
  const [k] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  return k!;
}

/** A browser with its own keys subscribes to `topics` through the public API's service. */
async function browser(topics: string[]) {
  forgetActiveKeyCache();
  const key = await activeKey();
  const s = server.createSubscriber({ applicationServerKey: key.publicKey });
  const { id } = await subscribe(tdb, { subscription: s.subscription, topics });
  return { testId: s.id, id };
}

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const campaignRow = async (id: string) => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, id)))[0]!;
const completed = (id: string) => waitFor(async () => ((await campaignRow(id)).status === 'completed' ? campaignRow(id) : null), `campaign ${id} to complete`);

let marketer: Actor;
let viewer: Actor;

describe('campaigns through the engine', () => {
  it('reaches each targeted subscriber exactly once with the composed content, and nobody else', async () => {
    const news = await Promise.all(Array.from({ length: 23 }, () => browser(['news'])));
    const both = await Promise.all(Array.from({ length: 4 }, () => browser(['news', 'sport'])));
    const others = await Promise.all(Array.from({ length: 5 }, () => browser(['deals'])));
    const content = {
      title: 'Spring sale ✿',
      body: 'Everything −20 % until Sunday',
      url: 'https://shop.example/sale',
      icon: 'https://shop.example/icon.png',
      actions: [{ title: 'Open', url: 'https://shop.example/sale' }],
      data: { campaign: 'spring' },
    };
    const c = await createCampaign(ctxFor(tdb, marketer), {
      content,
      options: { ttl: 600, urgency: 'high', topic: 'spring-sale' },
      audience: 'any',
      topicIds: [topicIds.news],
    });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
    const done = await completed(c.id);

    expect(done).toMatchObject({ targeted: 27, sent: 27, failed: 0, expired: 0, skipped: 0, fanoutDone: true });
    for (const s of [...news, ...both]) {
      const msgs = server.messages(s.testId);
      expect(msgs).toHaveLength(1);
      const p = JSON.parse(msgs[0]!.plaintext!);
      expect(p).toMatchObject({
        title: 'Spring sale ✿',
        body: 'Everything −20 % until Sunday',
        url: 'https://shop.example/sale',
        icon: 'https://shop.example/icon.png',
        data: { campaign: 'spring' },
      });
      expect(p.actions).toEqual([{ action: 'a0', title: 'Open', url: 'https://shop.example/sale' }]);
      expect(msgs[0]).toMatchObject({ ttl: 600, urgency: 'high', topic: 'spring-sale' });
    }
    for (const s of others) expect(server.messages(s.testId)).toHaveLength(0);

    const rows = await tdb.db.select().from(deliveries).where(eq(deliveries.campaignId, c.id));
    expect(rows).toHaveLength(27);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', attempts: 1, httpStatus: 201, pushService: '127.0.0.1' });
      expect(r.vapidClaimId).not.toBeNull();
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const [claim] = await tdb.db.select().from(vapidClaims).where(eq(vapidClaims.id, rows[0]!.vapidClaimId!));
    expect(claim).toMatchObject({ aud: server.origin });
  });

  it('targets any-of, all-of and exclusions exactly', async () => {
    const subs = {
      n: await browser(['news']),
      s: await browser(['sport']),
      ns: await browser(['news', 'sport']),
      nd: await browser(['news', 'deals']),
      nsd: await browser(['news', 'sport', 'deals']),
      none: await browser([]),
    };
    const cases: [Parameters<typeof countAudience>[1], (keyof typeof subs)[]][] = [
      [{ audience: 'any', topicIds: [topicIds.news!, topicIds.sport!], excludeTopicIds: [] }, ['n', 's', 'ns', 'nd', 'nsd']],
      [{ audience: 'every', topicIds: [topicIds.news!, topicIds.sport!], excludeTopicIds: [] }, ['ns', 'nsd']],
      [{ audience: 'any', topicIds: [topicIds.news!], excludeTopicIds: [topicIds.deals!] }, ['n', 'ns']],
      [{ audience: 'all', topicIds: [], excludeTopicIds: [topicIds.sport!] }, ['n', 'nd', 'none']],
      [{ audience: 'all', topicIds: [], excludeTopicIds: [] }, ['n', 's', 'ns', 'nd', 'nsd', 'none']],
    ];
    for (const [audience, expected] of cases) {
      server.reset();
      expect(await countAudience(tdb, audience)).toBe(expected.length);
      const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'T' }, ...audience });
      await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
      await completed(c.id);
      const reached = (Object.keys(subs) as (keyof typeof subs)[]).filter((k) => server.messages(subs[k].testId).length === 1);
      expect(reached.sort()).toEqual([...expected].sort());
    }
  });

  it('marks 404/410 subscriptions expired and leaves them out of the next campaign', async () => {
    const ok = await browser(['news']);
    const gone410 = await browser(['news']);
    const gone404 = await browser(['news']);
    server.setBehaviour(gone410.testId, { status: 410 });
    server.setBehaviour(gone404.testId, { status: 404 });
    const c1 = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'One' }, audience: 'any', topicIds: [topicIds.news] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c1.id });
    expect(await completed(c1.id)).toMatchObject({ targeted: 3, sent: 1, expired: 2 });
    const subs = await tdb.db.select().from(subscriptions);
    expect(
      subs
        .filter((s) => s.status === 'expired')
        .map((s) => s.id)
        .sort(),
    ).toEqual([gone410.id, gone404.id].sort());
    // Never retried.
    expect(server.requests({ subscriberId: gone410.testId })).toHaveLength(1);

    server.reset();
    const c2 = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Two' }, audience: 'any', topicIds: [topicIds.news] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c2.id });
    expect(await completed(c2.id)).toMatchObject({ targeted: 1, sent: 1 });
    expect(server.requests({ subscriberId: gone410.testId })).toHaveLength(0);
    expect(server.messages(ok.testId)).toHaveLength(1);
  });

  it('honours 429 Retry-After (delivered after the wait, not before) and retries a 500', async () => {
    const limited = await browser(['news']);
    const flaky = await browser(['news']);
    server.setBehaviour(limited.testId, { status: 429, retryAfter: 2, times: 1 });
    server.setBehaviour(flaky.testId, { status: 500, times: 1 });
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Retry me' }, audience: 'any', topicIds: [topicIds.news] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
    expect(await completed(c.id)).toMatchObject({ sent: 2, failed: 0 });

    const tries = server.requests({ subscriberId: limited.testId });
    expect(tries.map((t) => t.status)).toEqual([429, 201]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(server.requests({ subscriberId: flaky.testId }).map((t) => t.status)).toEqual([500, 201]);
    const rows = await tdb.db.select().from(deliveries).where(eq(deliveries.campaignId, c.id));
    expect(rows.map((r) => r.attempts).sort()).toEqual([2, 2]);
  });

  it('gives up after the maximum attempts and keeps the reason; 4xx are not retried', async () => {
    const down = await browser(['news']);
    const bad = await browser(['news']);
    server.setBehaviour(down.testId, { status: 503 });
    server.setBehaviour(bad.testId, { status: 400 });
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Doomed' }, audience: 'any', topicIds: [topicIds.news] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
    expect(await completed(c.id)).toMatchObject({ failed: 2, sent: 0 });
    expect(server.requests({ subscriberId: down.testId })).toHaveLength(4); // maxAttempts
    expect(server.requests({ subscriberId: bad.testId })).toHaveLength(1);
    const [row] = await tdb.db.select().from(deliveries).where(eq(deliveries.subscriptionId, down.id));
    expect(row).toMatchObject({ status: 'failed', attempts: 4, httpStatus: 503 });
    expect(row!.reason).toBeTruthy();
  });

  it('fires a scheduled campaign on time, and a cancelled one never', async () => {
    const s = await browser(['news']);
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Later' }, audience: 'any', topicIds: [topicIds.news] });
    const other = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Never' }, audience: 'any', topicIds: [topicIds.news] });
    // Scheduling needs ≥ 30 s of lead; tell it "now" is 28 s earlier so the test waits ~3 s.
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    const local = at.toISOString().slice(0, 19);
    const fakeNow = new Date(Date.now() - 28_000);
    await scheduleCampaign(ctxFor(tdb, marketer), { id: c.id, localTime: local, timeZone: 'UTC' }, fakeNow);
    await scheduleCampaign(ctxFor(tdb, marketer), { id: other.id, localTime: local, timeZone: 'UTC' }, fakeNow);
    await cancelCampaign(ctxFor(tdb, marketer), { id: other.id });
    expect((await campaignRow(c.id)).status).toBe('scheduled');
    const done = await completed(c.id);
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(done.startedAt!.getTime() - at.getTime()).toBeLessThan(5000);
    expect(server.messages(s.testId).map((m) => JSON.parse(m.plaintext!).title)).toEqual(['Later']);
    expect((await campaignRow(other.id)).status).toBe('cancelled');
  });

  it('cancelling a sending campaign settles what was still waiting as skipped', async () => {
    const subs = await Promise.all(Array.from({ length: 100 }, () => browser(['deals'])));
    for (const s of subs) server.setBehaviour(s.testId, { delayMs: 300, times: 1 });
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Stop me' }, audience: 'any', topicIds: [topicIds.deals] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
    await waitFor(async () => (await campaignRow(c.id)).fanoutDone, 'fan-out');
    await cancelCampaign(ctxFor(tdb, marketer), { id: c.id });
    await waitFor(async () => (await tdb.db.select().from(deliveries).where(eq(deliveries.status, 'sending'))).length === 0, 'in-flight sends to land');
    const row = await campaignRow(c.id);
    expect(row.status).toBe('cancelled');
    expect(row.skipped).toBeGreaterThan(0);
    expect(row.sent + row.failed + row.expired + row.skipped).toBe(row.targeted);
    const statuses = new Set((await tdb.db.select().from(deliveries).where(eq(deliveries.campaignId, c.id))).map((d) => d.status));
    expect([...statuses].every((s) => s === 'sent' || s === 'skipped')).toBe(true);
    expect(server.allMessages().length).toBe(row.sent);
  });

  it('pauses and resumes without losing or repeating anyone', { timeout: 60_000 }, async () => {
    const subs = await Promise.all(Array.from({ length: 100 }, () => browser(['sport'])));
    for (const s of subs) server.setBehaviour(s.testId, { delayMs: 300, times: 1 });
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'Pausable' }, audience: 'any', topicIds: [topicIds.sport] });
    await sendCampaignNow(ctxFor(tdb, marketer), { id: c.id });
    await waitFor(async () => (await campaignRow(c.id)).sent > 0, 'first sends');
    await pauseCampaign(ctxFor(tdb, marketer), { id: c.id });
    // Requests already in flight finish and are recorded; nothing new is claimed.
    await waitFor(async () => (await tdb.db.select().from(deliveries).where(eq(deliveries.status, 'sending'))).length === 0, 'in-flight sends to land');
    const atPause = server.allMessages().length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(server.allMessages().length).toBe(atPause);
    expect(atPause).toBeLessThan(100);
    expect((await campaignRow(c.id)).status).toBe('paused');
    await resumeCampaign(ctxFor(tdb, marketer), { id: c.id });
    expect(await completed(c.id)).toMatchObject({ sent: 100 });
    for (const s of subs) expect(server.messages(s.testId)).toHaveLength(1);
    // Each move is audited with where the campaign was and where it went.
    const trail = await tdb.db.select().from(auditLogs).where(eq(auditLogs.targetId, c.id)).orderBy(auditLogs.id);
    expect(trail.filter((a) => a.action === 'campaign.pause' || a.action === 'campaign.resume').map((a) => [a.action, a.before, a.after])).toEqual([
      ['campaign.pause', { status: 'sending' }, { status: 'paused' }],
      ['campaign.resume', { status: 'paused' }, { status: 'sending' }],
    ]);
  });

  it('refuses viewers, even when they call the service directly', async () => {
    const c = await createCampaign(ctxFor(tdb, marketer), { content: { title: 'x' }, audience: 'all' });
    for (const call of [
      () => sendCampaignNow(ctxFor(tdb, viewer), { id: c.id }),
      () => createCampaign(ctxFor(tdb, viewer), { content: { title: 'x' }, audience: 'all' }),
      () => cancelCampaign(ctxFor(tdb, viewer), { id: c.id }),
    ]) {
      const e = await call().catch((x) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('forbidden');
    }
    expect((await campaignRow(c.id)).status).toBe('draft');
  });

  it('sends a test to one subscriber without a campaign', async () => {
    const s = await browser([]);
    const r = await sendTestNotification(ctxFor(tdb, marketer), { subscriptionId: s.id, content: { title: 'Just you' } });
    expect(r.outcome).toBe('delivered');
    expect(JSON.parse(server.messages(s.testId)[0]!.plaintext!).title).toBe('Just you');
  });
});

describe('result columns as array literals', () => {
  it('round-trip through PostgreSQL unchanged, quotes, backslashes, commas and NULLs included', async () => {
    const texts = ['plain', 'with "quotes"', 'back\\slash \\"', 'a, b {c}', 'NULL', '', null, 'Grüße 🎉'];
    const res = await tdb.db.execute(sql`select unnest(${pgArrayLiteral(texts, true)}::text[]) as v`);
    const rows = (Array.isArray(res) ? res : (res as { rows: { v: string | null }[] }).rows) as { v: string | null }[];
    expect(rows.map((r) => r.v)).toEqual(texts);
    const nums = await tdb.db.execute(sql`select unnest(${pgArrayLiteral([1, null, 201])}::int[]) as v`);
    const numRows = (Array.isArray(nums) ? nums : (nums as { rows: { v: number | null }[] }).rows) as { v: number | null }[];
    expect(numRows.map((r) => r.v)).toEqual([1, null, 201]);
  });
});
