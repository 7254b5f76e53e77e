/**
 * Subscribers in the dashboard: every list filter against a model of what was seeded, keyset
 * paging, the detail view, the CSV export and delete (cascade, audit without secrets, roles).
 */
import { createECDH, randomBytes } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, campaigns, deliveries, subscriptions, subscriptionTopics, vapidKeys, type Role, DEFAULT_PROJECT_ID } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import type { Actor } from '../context';
import { subscribe, unsubscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { createUser } from '../users/mutations';
import { forgetActiveKeyCache } from '../vapid/keys';
import { activateVapidKey, ensureActiveVapidKey, generateVapidKey } from '../vapid/mutations';
import { csvCell, csvLine, exportSubscribersCsv } from './export';
import { deleteSubscriber } from './mutations';
import { getSubscriber, listSubscribers, subscriberFacets, uuidv7Bound } from './queries';

interface Seeded {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  status: 'active' | 'expired' | 'unsubscribed';
  pushService: string;
  keyId: string;
  topics: string[];
  createdAt: Date;
}

let tdb: TestDatabase;
const actors = {} as Record<Exclude<Role, 'owner'>, Actor>;
const topicIds: Record<string, string> = {};
let key1 = '';
let key2 = '';
const seeded: Seeded[] = [];

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

const HOSTS = {
  fcm: (t: string) => ({ host: 'fcm.googleapis.com', endpoint: `https://fcm.googleapis.com/fcm/send/${t}` }),
  moz: (t: string) => ({ host: 'updates.push.services.mozilla.com', endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${t}` }),
  apple: (t: string) => ({ host: 'web.push.apple.com', endpoint: `https://web.push.apple.com/${t}` }),
};

async function seedOne(service: keyof typeof HOSTS, topicSlugs: string[], keyId: string, userAgent?: string): Promise<Seeded> {
  const { host, endpoint } = HOSTS[service](randomBytes(12).toString('base64url'));
  const keys = browserKeys();
  const res = await subscribe(tdb, { subscription: { endpoint, keys }, topics: topicSlugs }, { userAgent });
  const s: Seeded = { id: res.id, endpoint, ...keys, status: 'active', pushService: host, keyId, topics: topicSlugs, createdAt: new Date() };
  const [row] = await tdb.db.select({ createdAt: subscriptions.createdAt }).from(subscriptions).where(eq(subscriptions.id, res.id));
  s.createdAt = row!.createdAt;
  seeded.push(s);
  return s;
}

/** A subscription made on a given past day (id minted at that time, as subscribe() does now). */
async function seedPast(day: string, service: keyof typeof HOSTS, topicSlugs: string[]): Promise<Seeded> {
  const at = new Date(`${day}T12:00:00Z`);
  const { host, endpoint } = HOSTS[service](randomBytes(12).toString('base64url'));
  const keys = browserKeys();
  const id = uuidv7At(at.getTime());
  await tdb.db.insert(subscriptions).values({
    projectId: DEFAULT_PROJECT_ID,
    id,
    endpoint,
    p256dh: keys.p256dh,
    auth: keys.auth,
    vapidKeyId: key1,
    pushService: host,
    createdAt: at,
    updatedAt: at,
  });
  for (const slug of topicSlugs) await tdb.db.insert(subscriptionTopics).values({ subscriptionId: id, topicId: topicIds[slug]! });
  const s: Seeded = { id, endpoint, ...keys, status: 'active', pushService: host, keyId: key1, topics: topicSlugs, createdAt: at };
  seeded.push(s);
  return s;
}

/** A UUIDv7 for a past instant (lib/ids' uuidv7 is monotonic per process: it never goes back in time). */
function uuidv7At(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const byIdDesc = (a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const expectedIds = (pred: (s: Seeded) => boolean) =>
  seeded
    .filter(pred)
    .sort(byIdDesc)
    .map((s) => s.id);

async function allIds(filters: Record<string, string>, limit = 200): Promise<string[]> {
  const out: string[] = [];
  let before: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await listSubscribers(ctxFor(tdb, actors.marketer), { ...filters, before, limit });
    out.push(...page.items.map((r) => r.id));
    if (!page.nextBefore) return out;
    before = page.nextBefore;
  }
  throw new Error('paging did not end');
}

async function expectAppError(p: Promise<unknown>, code: AppError['code']) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  process.env.PUSH_ALLOWED_HOSTS = 'default';
  tdb = await openTestDatabase();
  forgetActiveKeyCache();
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  const root = ctxFor(tdb);
  for (const [slug, name] of [
    ['news', 'News'],
    ['offers', 'Offers'],
    ['sport', 'Sport'],
  ] as const) {
    topicIds[slug] = (await createTopic(root, { slug, name })).id;
  }
  for (const role of ['admin', 'marketer', 'viewer'] as const) {
    const u = await createUser(root, { email: `${role}@example.com`, password: 'a-long-enough-password', role });
    actors[role] = { kind: 'user', id: u.id, email: u.email, name: '', role };
  }
  [key1] = (await tdb.db.select({ id: vapidKeys.id }).from(vapidKeys).where(eq(vapidKeys.status, 'active'))).map((k) => k.id) as [string];

  await seedPast('2024-03-10', 'fcm', ['news']);
  await seedPast('2024-03-11', 'moz', ['offers']);
  await seedPast('2024-03-12', 'apple', []);

  const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  await seedOne('fcm', ['news'], key1, chrome);
  await seedOne('fcm', ['news', 'offers'], key1, chrome);
  await seedOne('moz', ['offers'], key1, firefox);
  await seedOne('apple', ['news', 'sport'], key1);
  const gone = await seedOne('fcm', ['sport'], key1, chrome);
  const dead = await seedOne('moz', ['news'], key1, firefox);

  const k2 = await generateVapidKey(root, { name: 'Second', subject: 'mailto:ops@example.com' });
  await activateVapidKey(root, { id: k2.id });
  forgetActiveKeyCache();
  key2 = k2.id;
  await seedOne('fcm', ['offers'], key2, chrome);
  await seedOne('moz', ['news', 'offers', 'sport'], key2, firefox);
  await seedOne('fcm', [], key2, '=HYPERLINK("http://evil.example","x"), "quoted"');

  // Unsubscribing drops topics; a 404/410 from the push service marks a subscription expired.
  await unsubscribe(tdb, { endpoint: gone.endpoint });
  Object.assign(gone, { status: 'unsubscribed', topics: [] });
  await tdb.db.update(subscriptions).set({ status: 'expired', endedAt: new Date() }).where(eq(subscriptions.id, dead.id));
  dead.status = 'expired';
});

afterAll(async () => {
  await tdb?.dispose();
});

describe('listSubscribers', () => {
  it('lists everything newest first, with labels for each row', async () => {
    const page = await listSubscribers(ctxFor(tdb, actors.marketer), {});
    expect(page.items.map((r) => r.id)).toEqual(expectedIds(() => true));
    expect(page.nextBefore).toBeNull();
    const both = seeded[4]!; // fcm, news + offers, key 1, Chrome
    const row = page.items.find((r) => r.id === both.id)!;
    expect(row).toMatchObject({
      status: 'active',
      pushService: 'fcm.googleapis.com',
      browser: 'Chrome 126',
      topics: [
        { id: topicIds.news, name: 'News', slug: 'news' },
        { id: topicIds.offers, name: 'Offers', slug: 'offers' },
      ],
      vapidKey: { id: key1, name: 'Default', status: 'retired', label: 'Default' },
      endedAt: null,
    });
    expect(row.createdAt).toBeInstanceOf(Date);
    // Nothing secret rides along.
    expect(JSON.stringify(page.items)).not.toMatch(/endpoint|p256dh|"auth"/);
    for (const s of seeded) {
      expect(JSON.stringify(page.items)).not.toContain(s.endpoint);
      expect(JSON.stringify(page.items)).not.toContain(s.p256dh);
    }
    const ended = page.items.filter((r) => r.status !== 'active');
    expect(ended).toHaveLength(2);
    for (const r of ended) expect(r.endedAt).toBeInstanceOf(Date);
  });

  it('filters by topic exactly', async () => {
    for (const slug of ['news', 'offers', 'sport']) {
      expect(await allIds({ topic: topicIds[slug]! })).toEqual(expectedIds((s) => s.topics.includes(slug)));
    }
  });

  it('filters by status exactly', async () => {
    for (const status of ['active', 'expired', 'unsubscribed'] as const) {
      const ids = await allIds({ status });
      expect(ids).toEqual(expectedIds((s) => s.status === status));
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it('filters by push service (exact host) and VAPID key exactly', async () => {
    for (const host of ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com']) {
      expect(await allIds({ pushService: host })).toEqual(expectedIds((s) => s.pushService === host));
    }
    expect(await allIds({ pushService: 'push.services.mozilla.com' })).toEqual([]);
    expect(await allIds({ vapidKeyId: key1 })).toEqual(expectedIds((s) => s.keyId === key1));
    expect(await allIds({ vapidKeyId: key2 })).toEqual(expectedIds((s) => s.keyId === key2));
  });

  it('filters by creation date, inclusive of both days', async () => {
    const day = (s: Seeded) => s.createdAt.toISOString().slice(0, 10);
    expect(await allIds({ createdFrom: '2024-03-11', createdTo: '2024-03-11' })).toEqual(expectedIds((s) => day(s) === '2024-03-11'));
    expect(await allIds({ createdFrom: '2024-03-11', createdTo: '2024-03-12' })).toEqual(expectedIds((s) => day(s) >= '2024-03-11' && day(s) <= '2024-03-12'));
    expect(await allIds({ createdTo: '2024-03-10' })).toEqual(expectedIds((s) => day(s) <= '2024-03-10'));
    const today = new Date().toISOString().slice(0, 10);
    expect(await allIds({ createdFrom: today })).toEqual(expectedIds((s) => day(s) >= today));
    expect(await allIds({ createdFrom: '2024-03-13', createdTo: '2024-03-31' })).toEqual([]);
  });

  it('combines filters with AND', async () => {
    expect(await allIds({ topic: topicIds.news!, pushService: 'fcm.googleapis.com', status: 'active' })).toEqual(
      expectedIds((s) => s.topics.includes('news') && s.pushService === 'fcm.googleapis.com' && s.status === 'active'),
    );
    expect(await allIds({ topic: topicIds.offers!, vapidKeyId: key2, createdFrom: '2024-01-01' })).toEqual(
      expectedIds((s) => s.topics.includes('offers') && s.keyId === key2),
    );
  });

  it('pages by keyset through every row with no gaps or repeats, at every page size', async () => {
    const all = expectedIds(() => true);
    for (const limit of [1, 2, 3, 5, all.length - 1, all.length, all.length + 1]) {
      const walked = await allIds({}, limit);
      expect(walked).toEqual(all);
      expect(new Set(walked).size).toBe(walked.length);
    }
    // And with a filter on.
    expect(await allIds({ topic: topicIds.news! }, 2)).toEqual(expectedIds((s) => s.topics.includes('news')));
    const first = await listSubscribers(ctxFor(tdb, actors.marketer), { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.nextBefore).toBe(first.items[3]!.id);
  });

  it('treats empty strings as no filter, and rejects bad ones', async () => {
    const page = await listSubscribers(ctxFor(tdb, actors.marketer), {
      topic: '',
      status: '',
      pushService: '',
      vapidKeyId: '',
      createdFrom: '',
      createdTo: '',
    });
    expect(page.items).toHaveLength(seeded.length);
    await expectAppError(listSubscribers(ctxFor(tdb, actors.marketer), { status: 'gone' }), 'validation_failed');
    await expectAppError(listSubscribers(ctxFor(tdb, actors.marketer), { limit: 201 }), 'validation_failed');
    const e = await expectAppError(listSubscribers(ctxFor(tdb, actors.marketer), { createdFrom: '2024-03-12', createdTo: '2024-03-10' }), 'validation_failed');
    expect(e.fieldErrors?.createdTo?.[0]).toMatch(/after the end/);
  });

  it('is refused to viewers', async () => {
    await expectAppError(listSubscribers(ctxFor(tdb, actors.viewer), {}), 'forbidden');
    await expectAppError(subscriberFacets(ctxFor(tdb, actors.viewer)), 'forbidden');
    await expectAppError(getSubscriber(ctxFor(tdb, actors.viewer), seeded[0]!.id), 'forbidden');
    await expectAppError(exportSubscribersCsv(ctxFor(tdb, actors.viewer), {}), 'forbidden');
  });
});

describe('subscriberFacets', () => {
  it('offers the topics, the push services present (distinct, sorted) and the keys', async () => {
    const f = await subscriberFacets(ctxFor(tdb, actors.marketer));
    expect(f.topics.map((t) => t.name)).toEqual(['News', 'Offers', 'Sport']);
    expect(f.pushServices).toEqual(['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com']);
    expect(f.vapidKeys).toEqual([
      { id: key2, name: 'Second', status: 'active', label: 'Second' },
      { id: key1, name: 'Default', status: 'retired', label: 'Default' },
    ]);
  });
});

describe('uuidv7Bound', () => {
  it('brackets every id minted in that millisecond', () => {
    const t = Date.UTC(2024, 2, 11, 12);
    for (let i = 0; i < 50; i++) {
      const id = uuidv7At(t);
      expect(id >= uuidv7Bound(t, 'lo') && id <= uuidv7Bound(t, 'hi')).toBe(true);
      expect(id > uuidv7Bound(t - 1, 'hi') && id < uuidv7Bound(t + 1, 'lo')).toBe(true);
    }
  });
});

describe('getSubscriber', () => {
  it('shows topics, key and the last deliveries newest first, never the endpoint or keys', async () => {
    const s = seeded.find((x) => x.topics.length === 3)!;
    const mk = async (name: string, at: Date, status: 'sent' | 'failed') => {
      const [c] = await tdb.db
        .insert(campaigns)
        .values({ projectId: DEFAULT_PROJECT_ID, name, content: { title: name }, createdByLabel: 'test', status: 'completed' })
        .returning();
      await tdb.db.insert(deliveries).values({
        campaignId: c!.id,
        subscriptionId: s.id,
        status,
        attempts: status === 'sent' ? 1 : 3,
        httpStatus: status === 'sent' ? 201 : 500,
        pushService: s.pushService,
        latencyMs: 42,
        createdAt: at,
        updatedAt: at,
        sentAt: status === 'sent' ? at : null,
      });
      return c!.id;
    };
    const older = await mk('Older campaign', new Date(Date.now() - 3600_000), 'failed');
    const newer = await mk('Newer campaign', new Date(), 'sent');
    const d = await getSubscriber(ctxFor(tdb, actors.marketer), s.id);
    expect(d).toMatchObject({
      id: s.id,
      status: 'active',
      pushService: s.pushService,
      endpointOrigin: 'https://updates.push.services.mozilla.com',
      browser: 'Firefox 128',
    });
    expect(d.topics.map((t) => t.slug)).toEqual(['news', 'offers', 'sport']);
    expect(d.vapidKey).toMatchObject({ id: key2, name: 'Second' });
    expect(d.deliveries.map((x) => [x.campaignId, x.campaignName, x.status, x.attempts, x.httpStatus])).toEqual([
      [newer, 'Newer campaign', 'sent', 1, 201],
      [older, 'Older campaign', 'failed', 3, 500],
    ]);
    const json = JSON.stringify(d);
    expect(json).not.toContain(s.endpoint);
    expect(json).not.toContain(s.p256dh);
    expect(json).not.toContain(s.auth);
    await expectAppError(getSubscriber(ctxFor(tdb, actors.marketer), 'not-a-uuid'), 'not_found');
    await expectAppError(getSubscriber(ctxFor(tdb, actors.marketer), uuidv7()), 'not_found');
  });
});

describe('CSV export', () => {
  it('quotes and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 'b c', null])).toBe('a,b c,\r\n');
  });

  it('streams the filtered rows without endpoints or keys, and audits who exported what', async () => {
    const ctx = ctxFor(tdb, actors.marketer);
    const text = await readAll(await exportSubscribersCsv(ctx, { topic: topicIds.offers!, status: 'active', pushService: '' }));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,status,push_service,topics,vapid_key,created_at,ended_at,user_agent');
    expect(lines.at(-1)).toBe('');
    const ids = lines.slice(1, -1).map((l) => l.split(',')[0]);
    expect(ids).toEqual(expectedIds((s) => s.topics.includes('offers') && s.status === 'active'));
    for (const s of seeded) {
      expect(text).not.toContain(s.endpoint);
      expect(text).not.toContain(s.p256dh);
      expect(text).not.toContain(s.auth);
    }
    const three = seeded.find((x) => x.topics.length === 3)!;
    expect(lines.find((l) => l.startsWith(three.id))).toMatch(
      new RegExp(`^${three.id},active,updates\\.push\\.services\\.mozilla\\.com,News; Offers; Sport,Second,\\d{4}-\\d\\d-\\d\\dT[^,]+Z,,Mozilla/5\\.0 `),
    );

    const [audit] = await tdb.db.select().from(auditLogs).where(eq(auditLogs.action, 'subscriber.export'));
    expect(audit).toMatchObject({
      actorLabel: 'marketer@example.com',
      targetType: 'subscriber',
      after: { filters: { topic: topicIds.offers, status: 'active' } },
    });
  });

  it('neutralises a hostile user agent', async () => {
    const text = await readAll(await exportSubscribersCsv(ctxFor(tdb, actors.marketer), { vapidKeyId: key2 }));
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x""), ""quoted"""\r\n`);
  });

  it('walks more than one chunk of 1000 without gaps', async () => {
    const at = Date.UTC(2023, 0, 1);
    const extra = Array.from({ length: 2345 }, (_, i) => ({
      projectId: DEFAULT_PROJECT_ID,
      id: uuidv7At(at + i * 1000),
      endpoint: `https://fcm.googleapis.com/fcm/send/bulk-${i}`,
      p256dh: 'x',
      auth: 'y',
      vapidKeyId: key1,
      pushService: 'android.googleapis.com',
      createdAt: new Date(at + i * 1000),
    }));
    for (let i = 0; i < extra.length; i += 500) await tdb.db.insert(subscriptions).values(extra.slice(i, i + 500));
    try {
      const text = await readAll(await exportSubscribersCsv(ctxFor(tdb, actors.marketer), { pushService: 'android.googleapis.com' }));
      const ids = text
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]);
      expect(ids).toEqual(extra.map((e) => e.id).reverse());
    } finally {
      await tdb.db.delete(subscriptions).where(eq(subscriptions.pushService, 'android.googleapis.com'));
    }
  });
});

describe('deleteSubscriber', () => {
  it('is refused to marketers and leaves everything in place', async () => {
    const s = seeded.find((x) => x.status === 'active' && x.topics.length > 0)!;
    await expectAppError(deleteSubscriber(ctxFor(tdb, actors.marketer), { id: s.id }), 'forbidden');
    await expectAppError(deleteSubscriber(ctxFor(tdb, actors.viewer), { id: s.id }), 'forbidden');
    expect(await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, s.id))).toHaveLength(1);
  });

  it('deletes the row with its topics and deliveries, and audits it without endpoint or keys', async () => {
    const s = seeded.find((x) => x.topics.length === 3)!; // has two deliveries from the detail test
    expect(await tdb.db.select().from(deliveries).where(eq(deliveries.subscriptionId, s.id))).toHaveLength(2);
    const res = await deleteSubscriber(ctxFor(tdb, actors.admin), { id: s.id });
    expect(res).toEqual({ id: s.id });
    expect(await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, s.id))).toHaveLength(0);
    expect(await tdb.db.select().from(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, s.id))).toHaveLength(0);
    expect(await tdb.db.select().from(deliveries).where(eq(deliveries.subscriptionId, s.id))).toHaveLength(0);
    // The campaigns themselves stay.
    expect(
      (
        await tdb.db
          .select()
          .from(campaigns)
          .where(inArray(campaigns.name, ['Older campaign', 'Newer campaign']))
      ).length,
    ).toBe(2);

    const [audit] = await tdb.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'subscriber.delete'), eq(auditLogs.targetId, s.id)));
    expect(audit).toMatchObject({
      actorLabel: 'admin@example.com',
      targetType: 'subscriber',
      before: { pushService: s.pushService, status: 'active', topics: ['news', 'offers', 'sport'], createdAt: s.createdAt.toISOString() },
      after: null,
    });
    const json = JSON.stringify(audit);
    expect(json).not.toContain(s.endpoint);
    expect(json).not.toContain(s.p256dh);
    expect(json).not.toContain(s.auth);
    expect(json).not.toMatch(/endpoint|p256dh/);

    const left = await allIds({});
    expect(left).not.toContain(s.id);
    seeded.splice(seeded.indexOf(s), 1);
    expect(left).toEqual(expectedIds(() => true));
  });

  it('answers not_found for an unknown or malformed id', async () => {
    await expectAppError(deleteSubscriber(ctxFor(tdb, actors.admin), { id: uuidv7() }), 'not_found');
    await expectAppError(deleteSubscriber(ctxFor(tdb, actors.admin), { id: 'nope' }), 'validation_failed');
  });
});
