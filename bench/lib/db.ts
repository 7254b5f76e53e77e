/**
 * The benchmark's database: a dedicated PostgreSQL database (dropped and recreated per run),
 * migrated by the app's own migrator, and bulk fixtures written in SQL.
 *
 * Subscriber n (0-based) gets a deterministic UUIDv7 (`bench_sub_id(n)`: the millisecond
 * `base + n`, so ids sort in n order like real sign-ups), the endpoint
 * `https://127.0.0.1:<sink>/push/<n>` and the key pair `n % poolSize` of a pool of real P-256
 * key pairs (generating a million key pairs would take minutes and prove nothing more: the sender
 * still does a full ECDH per message; the sink can decrypt a sample with the pool's private keys).
 */
import { createECDH, randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';

export interface PoolKey {
  /** base64url, 65-byte point (p256dh). */
  publicKey: string;
  /** base64url, 32-byte scalar (only the sink uses it, to decrypt samples). */
  privateKey: string;
  /** base64url, 16 bytes. */
  auth: string;
}

export function makeKeyPool(size: number): PoolKey[] {
  return Array.from({ length: size }, () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return {
      publicKey: ecdh.getPublicKey().toString('base64url'),
      privateKey: ecdh.getPrivateKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    };
  });
}

export function dbUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function assertName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
}

export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  assertName(name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return dbUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertName(name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** The key pool table and the id function the fixtures share (bench-only objects, dropped with the database). */
export async function installFixtureHelpers(sql: Sql, pool: PoolKey[], baseMs: number): Promise<void> {
  await sql`create table bench_keys (i int primary key, p256dh text not null, auth text not null)`;
  for (let i = 0; i < pool.length; i += 1000) {
    const part = pool.slice(i, i + 1000).map((k, j) => ({ i: i + j, p256dh: k.publicKey, auth: k.auth }));
    await sql`insert into bench_keys ${sql(part)}`;
  }
  // A UUIDv7 for subscriber n: 48-bit ms timestamp base+n, version 7, variant 10, random-looking rest.
  await sql.unsafe(`
    create function bench_sub_id(n bigint) returns uuid immutable parallel safe language sql as $$
      select (lpad(to_hex(${Math.floor(baseMs)}::bigint + n), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid
      from (select md5(n::text) as h) x
    $$`);
}

export interface SeedTopics {
  /** The first 1,000 subscribers: the warm-up campaigns' audience. */
  warmup: string;
  /** 50%, 10% and 1% of subscribers: the dashboard's topic filters. */
  news: string;
  sports: string;
  rare: string;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

/**
 * Inserts subscribers [from, to) and their topic memberships, `chunk` rows per statement (one
 * INSERT … SELECT over generate_series each: no rows travel through Node). They belong to the
 * project of `vapidKeyId`. `idOffset` mints subscriber n's id (and sign-up time) as n + idOffset's,
 * so another project can have endpoints [from, to) too (the sink counts by endpoint); without
 * `topics`, no memberships (the fixture topics are the default project's).
 */
export async function seedSubscribers(
  sql: Sql,
  o: {
    from: number;
    to: number;
    sinkPort: number;
    vapidKeyId: string;
    baseMs: number;
    topics?: SeedTopics;
    idOffset?: number;
    chunk?: number;
    onProgress?: (done: number) => void;
  },
): Promise<void> {
  const chunk = o.chunk ?? 100_000;
  const off = o.idOffset ?? 0;
  const topics = o.topics;
  const poolSize = Number((await sql<{ n: number }[]>`select count(*)::int as n from bench_keys`)[0]!.n);
  for (let lo = o.from; lo < o.to; lo += chunk) {
    const hi = Math.min(o.to, lo + chunk) - 1;
    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      await tx`
        insert into subscriptions (id, project_id, endpoint, p256dh, auth, vapid_key_id, push_service, status, user_agent, created_at, updated_at)
        select bench_sub_id(g + ${off}::bigint), (select project_id from vapid_keys where id = ${o.vapidKeyId}::uuid), ${`https://127.0.0.1:${o.sinkPort}/push/`} || g, k.p256dh, k.auth, ${o.vapidKeyId}::uuid, '127.0.0.1', 'active',
          (${sql.array(USER_AGENTS)}::text[])[1 + g % 4], to_timestamp((${o.baseMs}::bigint + ${off}::bigint + g) / 1000.0), to_timestamp((${o.baseMs}::bigint + ${off}::bigint + g) / 1000.0)
        from generate_series(${lo}::bigint, ${hi}::bigint) g
        join bench_keys k on k.i = g % ${poolSize}`;
      if (!topics) return;
      await tx`
        insert into subscription_topics (subscription_id, topic_id)
        select bench_sub_id(g + ${off}::bigint), t.topic_id from generate_series(${lo}::bigint, ${hi}::bigint) g
        cross join lateral (values
          (case when g < 1000 then ${topics.warmup}::uuid end),
          (case when g % 2 = 0 then ${topics.news}::uuid end),
          (case when g % 10 = 3 then ${topics.sports}::uuid end),
          (case when g % 100 = 7 then ${topics.rare}::uuid end)) as t(topic_id)
        where t.topic_id is not null`;
    });
    o.onProgress?.(hi + 1 - o.from);
  }
}

/** Mixed outcomes, as a finished real campaign has them, spread over `minutes` of sending. */
const PUSH_SERVICES = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', 'wns2-par02p.notify.windows.com'];

/**
 * Fills a finished campaign with delivery rows for subscribers [0, count) in one INSERT … SELECT:
 * 90% sent, 4% failed (400/403), 3% expired (410/404), 3% skipped; then its per-minute stats and
 * counters, so the campaign pages read it like one the engine sent.
 */
export async function seedDeliveries(sql: Sql, o: { campaignId: string; count: number; salt: number; startedAt: Date; minutes: number }): Promise<void> {
  const spanMs = o.minutes * 60_000;
  // ISO text with explicit casts: postgres.js binds a Date only where it infers a timestamp type.
  const started = o.startedAt.toISOString();
  const completed = new Date(o.startedAt.getTime() + spanMs).toISOString();
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`
      insert into deliveries (campaign_id, subscription_id, status, attempts, http_status, push_service, latency_ms, reason, created_at, updated_at, sent_at)
      select ${o.campaignId}::uuid, bench_sub_id(g),
        (case when r < 900 then 'sent' when r < 940 then 'failed' when r < 970 then 'expired' else 'skipped' end)::delivery_status,
        case when r < 970 then 1 + (r % 7 = 0)::int else 0 end,
        case when r < 900 then 201 when r < 920 then 400 when r < 940 then 403 when r < 955 then 410 when r < 970 then 404 end,
        (${sql.array(PUSH_SERVICES)}::text[])[1 + (case when r2 < 12 then 0 when r2 < 16 then 1 when r2 < 19 then 2 else 3 end)],
        case when r < 970 then 20 + r2 * 7 + r % 50 end,
        case when r >= 900 and r < 940 then 'Invalid request (errno 109)' when r >= 940 and r < 970 then 'Subscription expired' when r >= 970 then 'The subscription was cancelled before its turn.' end,
        at, at, case when r < 900 then at end
      from generate_series(0::bigint, ${o.count - 1}::bigint) g
      cross join lateral (select abs(hashint8(g + ${o.salt}::bigint)) % 1000 as r, abs(hashint8(g * 31 + ${o.salt}::bigint)) % 20 as r2,
                                 ${started}::timestamptz + make_interval(secs => (g::float8 / ${o.count}) * ${spanMs / 1000}) as at) x`;
    await tx`
      insert into campaign_stats (campaign_id, bucket, push_service, outcome, count, latency_sum_ms)
      select campaign_id, date_trunc('minute', updated_at), push_service, status::text, count(*), coalesce(sum(latency_ms), 0)
      from deliveries where campaign_id = ${o.campaignId} and status in ('sent', 'failed', 'expired')
      group by 1, 2, 3, 4`;
    await tx`
      update campaigns c set status = 'completed', fanout_done = true, started_at = ${started}::timestamptz, completed_at = ${completed}::timestamptz,
        targeted = x.total, sent = x.sent, failed = x.failed, expired = x.expired, skipped = x.skipped
      from (select count(*)::int as total,
                   count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed,
                   count(*) filter (where status = 'expired')::int as expired, count(*) filter (where status = 'skipped')::int as skipped
            from deliveries where campaign_id = ${o.campaignId}) x
      where c.id = ${o.campaignId}`;
  });
}
