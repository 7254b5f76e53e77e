/**
 * The long-poll inbox through its route handler: ETag semantics, wake-up on publish (LISTEN/NOTIFY
 * on PostgreSQL, PGlite's listen() on the embedded database), topic filtering, the timeout, and
 * hundreds of clients connecting and dropping without anything left held.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as inboxRoute } from '../../app/api/inbox/route';
import { campaigns } from '../../db/schema';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { createCampaign, sendCampaignNow } from '../campaigns/mutations';
import { getRuntime, stopRuntime } from '../runtime';
import { createTopic } from '../topics/mutations';
import { currentInboxHub } from './hub';

process.env.INBOX_WAIT_SECONDS = '1.5';

let tdb: TestDatabase;
const ids: Record<string, string> = {};

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await getRuntime('web'); // the in-process worker starts campaigns, which publishes them
  for (const [slug, isPublic] of [
    ['news', 'true'],
    ['sport', 'true'],
    ['secret', 'false'],
  ] as const) {
    ids[slug] = (await createTopic(ctxFor(tdb), { slug, name: slug, isPublic })).id;
  }
}, 60_000);
afterAll(async () => {
  await stopRuntime();
  await tdb?.dispose();
});

function get(topics: string, etag?: string, signal?: AbortSignal) {
  return inboxRoute(
    new Request(`http://localhost/api/inbox?topics=${topics}`, {
      headers: { 'x-pushdeck-client-ip': `198.51.100.${Math.floor(Math.random() * 200)}`, ...(etag ? { 'if-none-match': etag } : {}) },
      signal,
    }),
  );
}

async function publish(content: { title: string; body?: string }, audience: Record<string, unknown>): Promise<string> {
  const c = await createCampaign(ctxFor(tdb), { content, ...audience });
  await sendCampaignNow(ctxFor(tdb), { id: c.id });
  for (let i = 0; i < 100; i++) {
    const [row] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, c.id));
    if (row?.publishedSeq) return c.id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('not published');
}

describe('the inbox', () => {
  it('answers at once without If-None-Match, holds with a current ETag, and times out with 304', async () => {
    const first = await get('news');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    expect(((await first.json()) as { etag: string }).etag).toBe(etag);
    const t0 = Date.now();
    const held = await get('news', etag);
    expect(held.status).toBe(304);
    expect(held.headers.get('etag')).toBe(etag);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
  });

  it('wakes a waiting client when a message for its topics is published', async () => {
    const etag = (await get('news')).headers.get('etag')!;
    // A long hold, so that an answer at all proves the wake-up (not the timeout) released it.
    process.env.INBOX_WAIT_SECONDS = '55';
    const t0 = Date.now();
    const waiting = get('news', etag);
    await new Promise((r) => setTimeout(r, 200));
    await publish({ title: 'Breaking', body: 'Now' }, { audience: 'any', topicIds: [ids.news] });
    const res = await waiting;
    process.env.INBOX_WAIT_SECONDS = '1.5';
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(50_000); // released by the publication, long before the hold ends
    const body = (await res.json()) as { etag: string; messages: { title: string; body: string }[] };
    expect(body.messages[0]).toMatchObject({ title: 'Breaking', body: 'Now' });
    expect(body.etag).not.toBe(etag);
    expect(res.headers.get('etag')).toBe(body.etag);
  });

  it('shows only what a follower of those topics would have received', async () => {
    await publish({ title: 'To everyone' }, { audience: 'all' });
    await publish({ title: 'Sport only' }, { audience: 'any', topicIds: [ids.sport] });
    await publish({ title: 'News and sport' }, { audience: 'every', topicIds: [ids.news, ids.sport] });
    await publish({ title: 'Secret' }, { audience: 'any', topicIds: [ids.secret] });
    await publish({ title: 'All but news' }, { audience: 'all', excludeTopicIds: [ids.news] });
    const cancelled = await publish({ title: 'Withdrawn' }, { audience: 'all' });
    // Withdrawn mid-send. With no subscribers the engine completes it at once, before a cancel
    // could land, so the test puts it in the state a cancel leaves behind.
    await tdb.db.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, cancelled));
    const titles = async (topics: string) => ((await (await get(topics)).json()) as { messages: { title: string }[] }).messages.map((m) => m.title);
    const news = await titles('news');
    expect(news).toContain('To everyone');
    expect(news).toContain('Breaking');
    expect(news).not.toContain('Sport only');
    expect(news).not.toContain('News and sport'); // needs both topics
    expect(news).not.toContain('All but news');
    expect(news).not.toContain('Withdrawn');
    const both = await titles('news,sport');
    expect(both).toEqual(expect.arrayContaining(['News and sport', 'Sport only', 'To everyone']));
    expect(await titles('secret')).not.toContain('Secret'); // private topics are not in the public inbox
    expect(await titles('sport')).toContain('All but news');
  });

  it('wakes on a NOTIFY from another connection (several app processes)', async () => {
    const etag = (await get('news')).headers.get('etag')!;
    process.env.INBOX_WAIT_SECONDS = '55';
    const t0 = Date.now();
    const waiting = get('news', etag);
    await new Promise((r) => setTimeout(r, 200));
    // Another process publishes: the row and the NOTIFY come from a different session.
    const c = await createCampaign(ctxFor(tdb), { content: { title: 'From elsewhere' }, audience: 'all' });
    if (tdb.kind === 'postgres') {
      const postgres = (await import('postgres')).default;
      const other = postgres(tdb.url!, { max: 1, onnotice: () => {} });
      await other.begin(async (tx) => {
        const [row] =
          await tx`update campaigns set status = 'sending', started_at = now(), published_seq = nextval('inbox_seq') where id = ${c.id} returning published_seq`;
        await tx`select pg_notify('pushdeck_inbox', ${String(row!.published_seq)})`;
      });
      await other.end();
    } else {
      await tdb.db.transaction(async (tx) => {
        await tx.execute(sql`update campaigns set status = 'sending', started_at = now(), published_seq = nextval('inbox_seq') where id = ${c.id}`);
        await tx.execute(sql`select pg_notify('pushdeck_inbox', '0')`);
      });
    }
    const res = await waiting;
    process.env.INBOX_WAIT_SECONDS = '1.5';
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(50_000); // woken by the NOTIFY, not by the end of the hold
    expect(((await res.json()) as { messages: { title: string }[] }).messages[0]!.title).toBe('From elsewhere');
  });

  it('releases everything when hundreds of clients connect and go away', async () => {
    const etag = (await get('news')).headers.get('etag')!;
    const controllers = Array.from({ length: 300 }, () => new AbortController());
    const pending = controllers.map((c) => get('news', etag, c.signal));
    for (let i = 0; i < 50 && (currentInboxHub()?.waiting ?? 0) < 300; i++) await new Promise((r) => setTimeout(r, 20));
    expect(currentInboxHub()!.waiting).toBe(300);
    for (const c of controllers) c.abort();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.status === 499)).toBe(true);
    expect(currentInboxHub()!.waiting).toBe(0);
  });

  it('refuses a malformed topic list', async () => {
    const res = await get(Array.from({ length: 60 }, (_, i) => `t${i}`).join(','));
    expect(res.status).toBe(400);
  });
});
