/**
 * Subscribe traffic while campaigns send: concurrent clients hit the public subscription API
 * (new subscriptions, and re-subscriptions that change topics) for a fixed time while the
 * in-process worker sends one campaign after another to every subscriber on the same database.
 *
 * Checked: no request failed (every answer is 201 or 200), every acknowledged subscription is in
 * the database, active, with exactly the topics of its last acknowledged request, and every
 * campaign started during the run completed with everyone it targeted reached.
 * `npm test` runs 8 seconds; `npm run soak` runs the 60.
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POST as subscribeRoute } from '../../app/api/push/subscriptions/route';
import { campaigns, subscriptions, subscriptionTopics, vapidKeys, DEFAULT_PROJECT_ID } from '../../db/schema';
import { createCampaign, sendCampaignNow } from '../../server/campaigns/mutations';
import { updateDeliverySettings } from '../../server/delivery/settings';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { createTopic } from '../../server/topics/mutations';
import { PushServiceServer, type CreatedSubscriber } from '../push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';
import { report, runSeed, seededRandom, sized, until } from './support';

process.env.PUBLIC_API_RATE_PER_MINUTE = '10000000';
process.env.RECONCILE_SECONDS = '2';

const SECONDS = sized(8, 60);
const CLIENTS = 12;
const BASE = sized(400, 2000);
const TOPICS = ['alpha', 'beta', 'gamma'];
const seed = runSeed();

let tdb: TestDatabase;
const server = new PushServiceServer();

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web');
  for (const slug of TOPICS) await createTopic(ctxFor(tdb), { slug, name: slug });
  await updateDeliverySettings(ctxFor(tdb), { concurrency: 40, batchSize: 200, maxAttempts: 5, retryBaseSeconds: 1, ratePerService: 0 });
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

it(`loses no subscription under ${SECONDS} s of subscribe traffic while campaigns send (seed ${seed})`, { timeout: sized(180_000, 600_000) }, async () => {
  const random = seededRandom(seed);
  const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  const base: CreatedSubscriber[] = [];
  for (let i = 0; i < BASE; i++) base.push(server.createSubscriber({ applicationServerKey: key!.publicKey }));
  for (let i = 0; i < base.length; i += 500) {
    await tdb.db.insert(subscriptions).values(
      base.slice(i, i + 500).map((s) => ({
        projectId: DEFAULT_PROJECT_ID,
        endpoint: s.subscription.endpoint,
        p256dh: s.subscription.keys.p256dh,
        auth: s.subscription.keys.auth,
        vapidKeyId: key!.id,
        pushService: '127.0.0.1',
      })),
    );
  }

  // Campaigns back to back for the whole run.
  const campaignIds: string[] = [];
  let running = true;
  const sender = (async () => {
    while (running) {
      const c = await createCampaign(ctxFor(tdb), { content: { title: `Load ${campaignIds.length + 1}` }, audience: 'all' });
      campaignIds.push(c.id);
      await sendCampaignNow(ctxFor(tdb), { id: c.id });
      await until(
        async () => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, c.id)))[0]!.status === 'completed',
        `campaign ${c.id}`,
        300_000,
        100,
      );
    }
  })();

  /** What each endpoint was last acknowledged with. */
  const acknowledged = new Map<string, string[]>();
  const mine: CreatedSubscriber[] = [];
  const errors: string[] = [];
  const latencies: number[] = [];
  let requests = 0;
  let created = 0;
  let updated = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (Date.now() < end) {
        const again = mine.length > 0 && random() < 0.2;
        const s = again ? mine[Math.floor(random() * mine.length)]! : server.createSubscriber({ applicationServerKey: key!.publicKey });
        const topics = TOPICS.filter(() => random() < 0.5);
        const t0 = performance.now();
        const res = await subscribeRoute(
          new Request('http://localhost/api/push/subscriptions', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-pushdeck-client-ip': `198.51.100.${client + 1}` },
            body: JSON.stringify({ subscription: s.subscription, topics }),
          }),
        );
        latencies.push(performance.now() - t0);
        requests++;
        if (res.status === 201 || res.status === 200) {
          const body = (await res.json()) as { topics: string[] };
          expect([...body.topics].sort()).toEqual([...topics].sort());
          acknowledged.set(s.subscription.endpoint, topics);
          if (res.status === 201) {
            created++;
            mine.push(s);
          } else updated++;
        } else errors.push(`${res.status} ${await res.text()}`);
      }
    }),
  );
  running = false;
  await sender;

  expect(errors).toEqual([]);
  // Every acknowledged subscription is stored, active, with the topics it was last given.
  const endpoints = [...acknowledged.keys()];
  const stored = new Map<string, { id: string; status: string }>();
  for (let i = 0; i < endpoints.length; i += 500) {
    for (const r of await tdb.db
      .select()
      .from(subscriptions)
      .where(inArray(subscriptions.endpoint, endpoints.slice(i, i + 500))))
      stored.set(r.endpoint, r);
  }
  expect(stored.size).toBe(endpoints.length);
  const topicRows = await tdb.db.select().from(subscriptionTopics);
  const slugOf = new Map((await tdb.db.query.topics.findMany()).map((t) => [t.id, t.slug]));
  const topicsOf = new Map<string, string[]>();
  for (const r of topicRows) topicsOf.set(r.subscriptionId, [...(topicsOf.get(r.subscriptionId) ?? []), slugOf.get(r.topicId)!]);
  for (const [endpoint, topics] of acknowledged) {
    const row = stored.get(endpoint)!;
    expect(row.status).toBe('active');
    expect((topicsOf.get(row.id) ?? []).sort()).toEqual([...topics].sort());
  }
  // Every campaign completed and reached everyone it targeted.
  const done = await tdb.db.select().from(campaigns).where(inArray(campaigns.id, campaignIds));
  for (const c of done) expect(c).toMatchObject({ status: 'completed', failed: 0, expired: 0, sent: c.targeted });
  const sorted = latencies.sort((a, b) => a - b);
  report('load', {
    seed,
    seconds: SECONDS,
    clients: CLIENTS,
    requests,
    created,
    updated,
    errors: errors.length,
    lost: endpoints.length - stored.size,
    campaigns: done.length,
    pushesDelivered: done.reduce((a, c) => a + c.sent, 0),
    p50ms: Math.round(sorted[Math.floor(sorted.length / 2)]!),
    p99ms: Math.round(sorted[Math.floor(sorted.length * 0.99)]!),
  });
});
