/**
 * Importing subscribers from an earlier setup: a mixed good/bad file gives an exact report and
 * stores only the good rows, a second import of the same file changes nothing, a dry run stores
 * nothing, CSV and JSON read alike, whole-file problems are refused, a failure midway leaves the
 * database as it was — and a campaign reaches imported subscribers signed with their imported
 * VAPID key (the push-service test server refuses any other `k`).
 */
import { createECDH, randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, campaigns, deliveries, subscriptions, subscriptionTopics, topics } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { configuredAllowlist } from '../../lib/push/allowlist';
import { generateKeyPair } from '../../lib/push/p256';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { createCampaign, sendCampaignNow } from '../campaigns/mutations';
import { getRuntime, stopRuntime } from '../runtime';
import { subscribe, unsubscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { createUser } from '../users/mutations';
import { forgetActiveKeyCache } from '../vapid/keys';
import { importVapidKey } from '../vapid/mutations';
import { importSubscribers, type ImportReport } from './import';

let tdb: TestDatabase;
const server = new PushServiceServer();
const stamp = randomBytes(3).toString('hex');
const slug = (s: string) => `${s}-${stamp}`;
const topicIds: Record<string, string> = {};
/** The key the "old setup" used, imported here first. */
const oldPair = generateKeyPair();
let oldKeyId = '';

beforeAll(async () => {
  process.env.RECONCILE_SECONDS = '2';
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web');
  const root = ctxFor(tdb);
  for (const [s, isPublic] of [
    ['news', true],
    ['sport', true],
    ['vip', false],
  ] as const) {
    topicIds[s] = (await createTopic(root, { slug: slug(s), name: s, isPublic: String(isPublic) })).id;
  }
  oldKeyId = (
    await importVapidKey(root, { name: 'Old setup', subject: 'mailto:ops@example.com', publicKey: oldPair.publicKey, privateKey: oldPair.privateKey })
  ).id;
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

function browserSub(host = 'fcm.googleapis.com') {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://${host}/fcm/send/${randomBytes(12).toString('base64url')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

const root = () => ctxFor(tdb);
const run = (content: string, extra: Record<string, unknown> = {}) =>
  importSubscribers(root(), { vapidKeyId: oldKeyId, content, filename: 'subscribers.json', ...extra });

async function stored(endpoints: string[]) {
  if (!endpoints.length) return [];
  const rows = await tdb.db.select().from(subscriptions).where(inArray(subscriptions.endpoint, endpoints));
  const links = rows.length
    ? await tdb.db
        .select({ id: subscriptionTopics.subscriptionId, slug: topics.slug })
        .from(subscriptionTopics)
        .innerJoin(topics, eq(topics.id, subscriptionTopics.topicId))
        .where(
          inArray(
            subscriptionTopics.subscriptionId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows
    .map((r) => ({
      ...r,
      topics: links
        .filter((l) => l.id === r.id)
        .map((l) => l.slug)
        .sort(),
    }))
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

const auditCount = async () =>
  (
    await tdb.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLogs)
      .where(eq(auditLogs.action, 'subscriber.import'))
  )[0]!.n;

describe('importing a mixed good and bad JSON file', () => {
  const good1 = browserSub();
  const good2 = browserSub('updates.push.services.mozilla.com');
  const privateOne = browserSub();
  const known = browserSub();
  const leftAlready = browserSub();
  const offList = { ...browserSub(), endpoint: 'https://push.evil.example/send/1' };
  const offCurve = {
    ...browserSub(),
    keys: { p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
  const shortAuth = { ...browserSub(), keys: { ...browserSub().keys, auth: randomBytes(8).toString('base64url') } };
  const unknownTopic = browserSub();
  const noKeys = { endpoint: browserSub().endpoint };
  let file = '';
  let first: ImportReport;

  beforeAll(async () => {
    // Already here: one imported earlier (no topics yet), one that unsubscribed since.
    await run(JSON.stringify([known]));
    await subscribe(tdb, { subscription: leftAlready, topics: [slug('news')] });
    await unsubscribe(tdb, { endpoint: leftAlready.endpoint });
    file = JSON.stringify([
      { ...good1, topics: [slug('news'), slug('sport')] },
      good2,
      { ...offList, topics: [slug('news')] },
      offCurve,
      shortAuth,
      { ...unknownTopic, topics: [slug('news'), 'no-such-topic'] },
      { ...good1, topics: [] },
      noKeys,
      'hello',
      { ...known, topics: [slug('news')] },
      { subscription: privateOne, topics: [slug('vip')] },
      { ...leftAlready, topics: [slug('news')] },
    ]);
  });

  it('reports every row exactly and stores only the good ones, bound to the chosen key', async () => {
    const auditsBefore = await auditCount();
    first = await run(file);
    const byEndpoint = new Map(
      (await stored([good1.endpoint, good2.endpoint, privateOne.endpoint, known.endpoint, leftAlready.endpoint])).map((r) => [r.endpoint, r]),
    );
    const id = (s: { endpoint: string }) => byEndpoint.get(s.endpoint)!.id;
    const offListReason = configuredAllowlist().check(offList.endpoint);
    expect(offListReason.ok).toBe(false);
    expect(first).toEqual({
      dryRun: false,
      format: 'json',
      filename: 'subscribers.json',
      vapidKey: { id: oldKeyId, label: 'Old setup' },
      total: 12,
      accepted: 3,
      updated: 1,
      unchanged: 0,
      rejected: 8,
      rows: [
        { row: 1, status: 'accepted', id: id(good1), pushService: 'fcm.googleapis.com' },
        { row: 2, status: 'accepted', id: id(good2), pushService: 'updates.push.services.mozilla.com' },
        { row: 3, status: 'rejected', reason: (offListReason as { reason: string }).reason },
        { row: 4, status: 'rejected', reason: 'keys.p256dh must be a 65-byte uncompressed point on P-256.' },
        { row: 5, status: 'rejected', reason: 'keys.auth must be 16 bytes.' },
        { row: 6, status: 'rejected', reason: 'Unknown topic: no-such-topic. Create it first.' },
        { row: 7, status: 'rejected', pushService: 'fcm.googleapis.com', reason: 'Same endpoint as row 1.' },
        { row: 8, status: 'rejected', reason: 'keys with p256dh and auth is required.' },
        { row: 9, status: 'rejected', reason: 'Each entry must be the JSON of a PushSubscription.' },
        { row: 10, status: 'updated', id: id(known), pushService: 'fcm.googleapis.com', reason: `topics added: ${slug('news')}` },
        { row: 11, status: 'accepted', id: id(privateOne), pushService: 'fcm.googleapis.com' },
        {
          row: 12,
          status: 'rejected',
          id: id(leftAlready),
          pushService: 'fcm.googleapis.com',
          reason: `This subscriber unsubscribed on ${new Date().toISOString().slice(0, 10)}; an import does not subscribe them again.`,
        },
      ],
    });

    // What landed: the good rows with their keys, topics and the old setup's key; nothing else.
    expect(byEndpoint.get(good1.endpoint)).toMatchObject({
      status: 'active',
      p256dh: good1.keys.p256dh,
      auth: good1.keys.auth,
      vapidKeyId: oldKeyId,
      pushService: 'fcm.googleapis.com',
      topics: [slug('news'), slug('sport')].sort(),
    });
    expect(byEndpoint.get(good2.endpoint)).toMatchObject({ status: 'active', vapidKeyId: oldKeyId, topics: [] });
    expect(byEndpoint.get(privateOne.endpoint)).toMatchObject({ vapidKeyId: oldKeyId, topics: [slug('vip')] });
    expect(byEndpoint.get(known.endpoint)).toMatchObject({ vapidKeyId: oldKeyId, topics: [slug('news')] });
    expect(byEndpoint.get(leftAlready.endpoint)).toMatchObject({ status: 'unsubscribed', topics: [] });
    expect(await stored([offList.endpoint, offCurve.endpoint, shortAuth.endpoint, unknownTopic.endpoint, noKeys.endpoint])).toEqual([]);

    // One audit row, with the counts and never an endpoint.
    expect(await auditCount()).toBe(auditsBefore + 1);
    const [audit] = await tdb.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.action, 'subscriber.import'))
      .orderBy(sql`${auditLogs.id} desc`)
      .limit(1);
    expect(audit).toMatchObject({
      actorLabel: 'cli',
      targetLabel: 'subscribers.json',
      after: { format: 'json', vapidKeyId: oldKeyId, total: 12, accepted: 3, updated: 1, unchanged: 0, rejected: 8 },
    });
    expect(JSON.stringify(audit)).not.toContain(good1.endpoint);
  });

  it('changes nothing when the same file is imported again', async () => {
    const endpoints = [good1, good2, privateOne, known, leftAlready, offList, offCurve, shortAuth, unknownTopic].map((s) => s.endpoint);
    const before = await stored(endpoints);
    const audits = await auditCount();
    const again = await run(file);
    expect(again).toMatchObject({ accepted: 0, updated: 0, unchanged: 4, rejected: 8, total: 12 });
    expect(again.rows.filter((r) => r.status === 'unchanged').map((r) => r.row)).toEqual([1, 2, 10, 11]);
    expect(again.rows.filter((r) => r.status === 'rejected')).toEqual(first.rows.filter((r) => r.status === 'rejected'));
    expect(await stored(endpoints)).toEqual(before); // updatedAt included
    expect(await auditCount()).toBe(audits);
  });
});

describe('import modes and formats', () => {
  it('a dry run reports the same outcome and stores nothing', async () => {
    const a = browserSub();
    const b = { ...browserSub(), keys: { ...browserSub().keys, auth: 'AAAA' } };
    const audits = await auditCount();
    const report = await run(JSON.stringify([{ ...a, topics: [slug('sport')] }, b]), { dryRun: 'on' });
    expect(report).toMatchObject({ dryRun: true, accepted: 1, rejected: 1, total: 2 });
    expect(report.rows).toEqual([
      { row: 1, status: 'accepted', pushService: 'fcm.googleapis.com' },
      { row: 2, status: 'rejected', reason: 'keys.auth must be 16 bytes.' },
    ]);
    expect(await stored([a.endpoint, b.endpoint])).toEqual([]);
    expect(await auditCount()).toBe(audits);
  });

  it('reads CSV with a header (columns in any order, quoted topic lists) or without one, reporting file lines', async () => {
    const a = browserSub();
    const b = browserSub();
    const c = browserSub();
    const withHeader = [
      'auth,endpoint,p256dh,topics,comment',
      `${a.keys.auth},${a.endpoint},${a.keys.p256dh},"${slug('news')}; ${slug('sport')}",first`,
      '',
      `${b.keys.auth},${b.endpoint},,${slug('news')},missing key`,
    ].join('\r\n');
    const r1 = await importSubscribers(root(), { vapidKeyId: oldKeyId, content: withHeader, filename: 'export.csv' });
    expect(r1).toMatchObject({ format: 'csv', accepted: 1, rejected: 1 });
    expect(r1.rows).toEqual([
      { row: 2, status: 'accepted', id: expect.any(String), pushService: 'fcm.googleapis.com' },
      { row: 4, status: 'rejected', reason: 'keys.p256dh must be base64url.' },
    ]);
    const positional = `${c.endpoint},${c.keys.p256dh},${c.keys.auth},${slug('vip')}\n${a.endpoint},${a.keys.p256dh},${a.keys.auth}\n`;
    // No file name: the format is recognised from the content.
    const r2 = await importSubscribers(root(), { vapidKeyId: oldKeyId, content: positional });
    expect(r2).toMatchObject({ format: 'csv', accepted: 1, unchanged: 1, rejected: 0 });
    const [sa, sc] = [a, c].map((x) => stored([x.endpoint]).then((r) => r[0]));
    expect(await sa).toMatchObject({ topics: [slug('news'), slug('sport')].sort(), vapidKeyId: oldKeyId });
    expect(await sc).toMatchObject({ topics: [slug('vip')], vapidKeyId: oldKeyId });
  });

  it('refuses files it cannot read, unknown keys and callers without the role, storing nothing', async () => {
    const count = async () => (await tdb.db.select({ n: sql<number>`count(*)::int` }).from(subscriptions))[0]!.n;
    const before = await count();
    const refused = async (p: Promise<unknown>, code: string, message: RegExp) => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe(code);
      expect((e as AppError).message).toMatch(message);
    };
    await refused(run('[{"endpoint": '), 'validation_failed', /not valid JSON/);
    await refused(run('{"endpoint": "x"}'), 'validation_failed', /array of PushSubscription objects/);
    await refused(run('[]'), 'validation_failed', /no subscriptions/);
    await refused(run('   '), 'validation_failed', /The file is empty/);
    await refused(
      importSubscribers(root(), { vapidKeyId: oldKeyId, content: 'endpoint,p256dh\nhttps://x,y', format: 'csv' }),
      'validation_failed',
      /has no auth/,
    );
    await refused(
      importSubscribers(root(), { vapidKeyId: oldKeyId, content: 'a,"b\n', format: 'csv' }),
      'validation_failed',
      /Line 1: a quoted field is never closed/,
    );
    await refused(
      importSubscribers(root(), { vapidKeyId: '0190a6b4-0000-7000-8000-000000000000', content: JSON.stringify([browserSub()]) }),
      'validation_failed',
      /VAPID key does not exist/,
    );
    await refused(importSubscribers(root(), { content: JSON.stringify([browserSub()]) }), 'validation_failed', /Choose the VAPID key/);
    const m = await createUser(root(), { email: `m-${stamp}@example.com`, password: 'a-long-password', role: 'marketer' });
    await refused(
      importSubscribers(ctxFor(tdb, { kind: 'user', id: m.id, email: m.email, name: '', role: 'marketer' }), {
        vapidKeyId: oldKeyId,
        content: JSON.stringify([browserSub()]),
      }),
      'forbidden',
      /admin/,
    );
    expect(await count()).toBe(before);
  });

  it('leaves the database as it was when a write fails midway', async () => {
    // A real database failure on the last statement of the import: a trigger refusing one topic link.
    await tdb.db.execute(
      sql.raw(`create function refuse_link() returns trigger language plpgsql as $$ begin
        if new.topic_id = '${topicIds.sport}' then raise exception 'refused by test trigger'; end if; return new; end $$`),
    );
    await tdb.db.execute(sql.raw('create trigger refuse_link before insert on subscription_topics for each row execute function refuse_link()'));
    try {
      const a = browserSub();
      const b = browserSub();
      const audits = await auditCount();
      await expect(
        run(
          JSON.stringify([
            { ...a, topics: [slug('news')] },
            { ...b, topics: [slug('sport')] },
          ]),
        ),
      ).rejects.toThrow();
      expect(await stored([a.endpoint, b.endpoint])).toEqual([]);
      expect(await auditCount()).toBe(audits);
    } finally {
      await tdb.db.execute(sql.raw('drop trigger refuse_link on subscription_topics'));
      await tdb.db.execute(sql.raw('drop function refuse_link()'));
    }
  });
});

describe('sending to imported subscribers', () => {
  it('signs their pushes with the imported VAPID key, which the push service checks', async () => {
    const topic = (await createTopic(root(), { slug: slug('migrated'), name: 'Migrated' })).id;
    // Browsers that subscribed on the old setup, with the old setup's applicationServerKey.
    const migrated = [0, 1].map(() => server.createSubscriber({ applicationServerKey: oldPair.publicKey }));
    const report = await run(JSON.stringify(migrated.map((s) => ({ ...s.subscription, topics: [slug('migrated')] }))));
    expect(report).toMatchObject({ accepted: 2, rejected: 0 });

    const c = await createCampaign(root(), { content: { title: 'Welcome to the new setup' }, audience: 'any', topicIds: [topic] });
    await sendCampaignNow(root(), { id: c.id });
    for (const s of migrated) {
      const [m] = await server.waitForMessages(s.id, 1, 30_000);
      expect(m!.vapid.k).toBe(oldPair.publicKey);
      expect(JSON.parse(m!.plaintext!)).toMatchObject({ title: 'Welcome to the new setup' });
    }
    for (let i = 0; i < 300; i++) {
      const [row] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, c.id));
      if (row!.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await tdb.db.select().from(deliveries).where(eq(deliveries.campaignId, c.id));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);

    // Bound to the wrong key, the push service refuses (403) and the delivery fails.
    forgetActiveKeyCache();
    const wrong = server.createSubscriber({ applicationServerKey: oldPair.publicKey });
    const [active] = await tdb.db
      .execute(sql`select id from vapid_keys where status = 'active'`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: { id: string }[] }).rows) as { id: string }[]);
    await importSubscribers(root(), { vapidKeyId: active!.id, content: JSON.stringify([{ ...wrong.subscription, topics: [slug('migrated')] }]) });
    const c2 = await createCampaign(root(), { content: { title: 'Second' }, audience: 'any', topicIds: [topic] });
    await sendCampaignNow(root(), { id: c2.id });
    for (let i = 0; i < 300; i++) {
      const [row] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, c2.id));
      if (row!.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [wrongSub] = await stored([wrong.subscription.endpoint]);
    const [failed] = await tdb.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.campaignId, c2.id), eq(deliveries.subscriptionId, wrongSub!.id)));
    expect(failed).toMatchObject({ status: 'failed', httpStatus: 403 });
    expect(server.messages(wrong.id)).toHaveLength(0);
  });
});
