/**
 * One benchmark run's world: a fresh PostgreSQL database migrated by the app itself, the sink
 * in its own process, a VAPID key imported through the app's service (the naive baseline needs
 * the raw pair too), the fixture topics, an owner for the dashboard's session, and the key pool;
 * on demand, more projects (seedProjects: the fan-out's projects comparison).
 *
 * The driver imports the app's services only after the environment below is in place: the
 * app reads its configuration once, on first use.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from 'postgres';
import { ensureTestCert } from '../../tests/push-service/cert';
import { dropDatabase, installFixtureHelpers, makeKeyPool, recreateDatabase, seedSubscribers, type PoolKey, type SeedTopics } from './db';
import { DEFAULT_PROJECT_ID } from '../../db/schema';
import { forkTs, request, ROOT, type Child, type Env } from './proc';
import { fmt } from './report';

/** The title every benchmark notification carries (the sink checks it in decrypted samples). */
export const TITLE = 'Pushdeck benchmark';
export const BODY = 'A notification of typical size: a title, a line of text and a link to open when it is clicked.';
export const URL_ = 'https://shop.example/spring-sale?utm_source=push';
export const SUBJECT = 'mailto:bench@pushdeck.example';
const POOL_SIZE = 1000;

export interface Bench {
  adminUrl: string;
  dbName: string;
  url: string;
  secret: string;
  /** Environment every app process of this run gets (worker, production server). */
  appEnv: Env;
  sql: Sql;
  sink: Child;
  sinkPort: number;
  certPath: string;
  vapid: { id: string; publicKey: string; privateKey: string };
  topics: SeedTopics;
  owner: { id: string; email: string };
  pool: PoolKey[];
  baseMs: number;
  /** Subscribers [0, seeded) exist. */
  seeded: number;
  /** PostgreSQL's version and the settings that shape the figures. */
  pgInfo: string;
  app: typeof import('./app');
  close(keep: boolean): Promise<void>;
}

interface SinkListening {
  type: 'listening';
  port: number;
}

export async function openBench(o: { adminUrl: string; dbName: string; log: (s: string) => void }): Promise<Bench> {
  const url = await recreateDatabase(o.adminUrl, o.dbName);
  const secret = randomBytes(36).toString('base64url');
  const { certPath } = ensureTestCert();

  const sink = forkTs('bench/sink.ts', { label: 'sink' });
  const listening = await new Promise<SinkListening>((resolve, reject) => {
    sink.proc.once('message', (m) => resolve(m as SinkListening));
    sink.proc.once('exit', (code) => reject(new Error(`the sink exited (${code})\n${sink.tail()}`)));
  });
  const sinkPort = listening.port;

  const appEnv: Env = {
    DATABASE_URL: url,
    PUSHDECK_SECRET: secret,
    WORKER: 'off',
    // The sink, plus the big push services for the subscribe benchmark's endpoints.
    PUSH_ALLOWED_HOSTS: `default,127.0.0.1:${sinkPort}`,
    NODE_EXTRA_CA_CERTS: certPath,
    LOG_LEVEL: 'warn',
    VAPID_SUBJECT: SUBJECT,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  Object.assign(process.env, appEnv);

  const app = await import('./app');
  const rt = await app.runtime();
  const sql = rt.database.sql!;

  const pair = app.generateKeyPair();
  const ctx = app.systemCtx(rt.database.db);
  const key = await app.importVapidKey(ctx, { name: 'Benchmark', subject: SUBJECT, publicKey: pair.publicKey, privateKey: pair.privateKey, activate: true });
  const topic = async (slug: string) => (await app.createTopic(ctx, { slug, name: slug[0]!.toUpperCase() + slug.slice(1) })).id;
  const topics: SeedTopics = { warmup: await topic('warmup'), news: await topic('news'), sports: await topic('sports'), rare: await topic('rare') };
  const email = 'owner@pushdeck.example';
  const owner = await app.createUser(ctx, { email, password: randomBytes(18).toString('base64url'), role: 'owner' });

  const pool = makeKeyPool(POOL_SIZE);
  const poolFile = path.join(ROOT, '.tmp/bench/pool.json');
  mkdirSync(path.dirname(poolFile), { recursive: true });
  writeFileSync(poolFile, JSON.stringify(pool.map((k) => ({ privateKey: k.privateKey, auth: k.auth }))));
  await request(sink, { type: 'config', config: { vapidPublicKey: pair.publicKey, poolFile, decryptEvery: 500, expectTitle: TITLE } }, 'configured');

  // Subscriber ids are UUIDv7 minted a month ago, one millisecond apart.
  const baseMs = Date.now() - 30 * 86_400_000;
  await installFixtureHelpers(sql, pool, baseMs);

  const [info] = await sql<{ v: string; av: string; sb: string; sc: string }[]>`
    select current_setting('server_version') as v, current_setting('autovacuum') as av,
           current_setting('shared_buffers') as sb, current_setting('synchronous_commit') as sc`;
  const pgInfo = `PostgreSQL ${info!.v} (shared_buffers ${info!.sb}, synchronous_commit ${info!.sc}, autovacuum ${info!.av})`;

  const bench: Bench = {
    adminUrl: o.adminUrl,
    dbName: o.dbName,
    url,
    secret,
    appEnv,
    sql,
    sink,
    sinkPort,
    certPath,
    vapid: { id: key.id, ...pair },
    topics,
    owner: { id: owner.id, email },
    pool,
    baseMs,
    seeded: 0,
    pgInfo,
    app,
    async close(keep) {
      await sink.stop(2000);
      await app.stopRuntime().catch(() => {});
      if (!keep) await dropDatabase(o.adminUrl, o.dbName);
    },
  };
  return bench;
}

/** Seeds subscribers up to `n` (ids, endpoints and keys are deterministic in the index). */
export async function seedUpTo(b: Bench, n: number, log: (s: string) => void): Promise<void> {
  if (b.seeded >= n) return;
  const t0 = Date.now();
  await seedSubscribers(b.sql, {
    from: b.seeded,
    to: n,
    sinkPort: b.sinkPort,
    vapidKeyId: b.vapid.id,
    baseMs: b.baseMs,
    topics: b.topics,
  });
  // Vacuumed now, so autovacuum does not pick the fresh rows up in the middle of a measurement.
  await b.sql`vacuum analyze subscriptions`;
  await b.sql`vacuum analyze subscription_topics`;
  log(`seeded subscribers ${b.seeded.toLocaleString('en')}–${n.toLocaleString('en')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  b.seeded = n;
}

/**
 * Before a measurement: vacuum what earlier phases churned (this server may run with
 * autovacuum off, where dead rows would pile up as they never do in a maintained database),
 * then wait (up to `maxMs`) until no autovacuum worker is busy in the bench database.
 */
export async function settle(b: Bench, maxMs = 120_000): Promise<void> {
  await b.sql`vacuum analyze deliveries`;
  await b.sql`vacuum analyze campaigns`;
  // Write out what seeding and vacuuming dirtied now, not on the checkpointer's time (its CPU
  // counts as the database's in the measurement that follows). Needs superuser or pg_checkpoint.
  await b.sql`checkpoint`.catch(() => {});
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const [r] = await b.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker' and datname = ${b.dbName}`;
    if (!r!.n) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** The id of subscriber n, as the fixtures mint it. */
export async function subscriberId(b: Bench, n: number): Promise<string> {
  const [r] = await b.sql<{ id: string }[]>`select bench_sub_id(${n}) as id`;
  return r!.id;
}

/** A project the fan-out's comparison sends in: its own VAPID key, subscribers at endpoints [from, to). */
export interface SeededProject {
  id: string;
  slug: string;
  vapidKeyId: string;
  vapidPublicKey: string;
  from: number;
  to: number;
}

/** Project subscribers' ids are minted from n + this (endpoints stay n): no clash with [0, seeded). */
const PROJECT_ID_OFFSET = 1_000_000_000;

/**
 * `count` new projects, made by the app's createProject (each gets its own active VAPID key),
 * sharing subscribers [0, n) between them by endpoint: project i has [⌊i·n/count⌋, ⌊(i+1)·n/count⌋),
 * seeded by the same INSERT … SELECT as the default project's (so the sink's counts, key pool
 * and decryption work unchanged; only the ids differ). `drop` deletes the projects and, by
 * cascade, all their rows, so later benchmarks see the database as before. With `n` 0 the
 * projects are empty (stripeProjects fills them with the default project's rows).
 */
export async function seedProjects(
  b: Bench,
  o: { n: number; count: number; log: (s: string) => void },
): Promise<{ projects: SeededProject[]; drop(): Promise<void> }> {
  const t0 = Date.now();
  const db = (await b.app.runtime()).database.db;
  const ctx = b.app.systemCtx(db);
  const projects: SeededProject[] = [];
  for (let i = 0; i < o.count; i++) {
    const slug = `bench-${i + 1}`;
    const p = await b.app.createProject(ctx, { slug, name: `Benchmark ${i + 1}` });
    const [key] = await b.sql<{ id: string; public_key: string }[]>`
      select id, public_key from vapid_keys where project_id = ${p.id} and status = 'active'`;
    if (!key) throw new Error(`project ${slug} has no active VAPID key`);
    const from = Math.floor((i * o.n) / o.count);
    const to = Math.floor(((i + 1) * o.n) / o.count);
    await seedSubscribers(b.sql, { from, to, sinkPort: b.sinkPort, vapidKeyId: key.id, baseMs: b.baseMs, idOffset: PROJECT_ID_OFFSET });
    projects.push({ id: p.id, slug, vapidKeyId: key.id, vapidPublicKey: key.public_key, from, to });
  }
  await b.sql`vacuum analyze subscriptions`;
  o.log(`seeded ${o.count} projects, ${o.n.toLocaleString('en')} subscribers between them, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    projects,
    async drop() {
      const t1 = Date.now();
      await b.sql`delete from projects where id in ${b.sql(projects.map((p) => p.id))}`;
      await b.sql`vacuum analyze subscriptions`;
      o.log(`dropped the ${o.count} projects in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    },
  };
}

/** The default project's rows, striped over it and `count - 1` new projects (stripeProjects). */
export interface Stripes {
  /** Project 0 is the default project; 1 … count-1 the new ones (bench-1 …). */
  projects: { id: string; slug: string; subscribers: number }[];
  /** The clone in project `k` of the default project's topic or campaign `id`. */
  topic(id: string, k: number): Promise<string>;
  campaign(id: string, k: number): Promise<string>;
  /** Moves every row back into the default project and deletes the new projects. */
  restore(): Promise<void>;
}

/**
 * Spreads the default project's subscribers, topics, campaigns and deliveries over `count`
 * projects without adding a row: the same total, as `count` sites would hold it. Subscriber r
 * (r-th by id, i.e. by sign-up) goes to stripe (⌊r/100⌋ + r) mod count — interleaved in sign-up
 * order and independent of the fixtures' topic memberships (r mod 10, r mod 100), so each
 * project holds 1/count of every topic. Stripe 0 stays in the default project; the others move to
 * projects made by seedProjects (createProject: each its own active VAPID key, which their
 * subscribers are switched to). Every topic and campaign gets a clone in each new project (same
 * slug, name, timestamps), and each delivery, membership and receipt follows its subscriber to
 * the clone in that subscriber's project; campaign counters and per-minute stats are recounted
 * from the deliveries. Then VACUUM ANALYZE. `restore()` puts back every row, counter and stats row
 * as it was (UPDATEs, so the tables keep the dead space of two moves, vacuumed) and drops the
 * projects with their clones.
 */
export async function stripeProjects(b: Bench, o: { count: number; log: (s: string) => void }): Promise<Stripes> {
  const t0 = Date.now();
  const sql = b.sql;
  // What restore() must give back exactly (counts per project, key, topic and campaign; counters; stats).
  const fingerprint = async () =>
    JSON.stringify(
      await sql`
        select (select json_agg(x order by x) from (select project_id || ' ' || coalesce(vapid_key_id::text, '-') || ' ' || count(*) as x from subscriptions group by project_id, vapid_key_id) a) as subs,
               (select json_agg(x order by x) from (select topic_id || ' ' || count(*) as x from subscription_topics group by topic_id) a) as members,
               (select json_agg(x order by x) from (select campaign_id || ' ' || count(*) || ' ' || sum(hashtext(subscription_id::text)::bigint) as x from deliveries group by campaign_id) a) as deliveries,
               (select json_agg(x order by x) from (select concat_ws(' ', id, project_id, targeted, sent, failed, expired, skipped) as x from campaigns) a) as campaigns,
               (select json_agg(x order by x) from (select campaign_id || ' ' || count(*) || ' ' || sum(count) || ' ' || sum(latency_sum_ms) as x from campaign_stats group by campaign_id) a) as stats,
               (select count(*) from topics) as topics, (select count(*) from projects) as projects`,
    );
  const before = await fingerprint();
  const seeded = await seedProjects(b, { n: 0, count: o.count - 1, log: () => {} });
  const stripes = seeded.projects.map((p, i) => ({ k: i + 1, project_id: p.id, vapid_key_id: p.vapidKeyId }));
  const def = DEFAULT_PROJECT_ID;
  const columns = async (table: string) =>
    (
      await sql<{ c: string }[]>`
        select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = ${table} order by ordinal_position`
    ).map((r) => r.c);
  /** INSERT … SELECT copying every column of `table` from alias `t`, some replaced by expressions. */
  const clone = async (table: string, over: Record<string, string>, from: string) => {
    const cols = await columns(table);
    const list = cols.map((c) => `"${c}"`).join(', ');
    const values = cols.map((c) => over[c] ?? `t."${c}"`).join(', ');
    await sql.unsafe(`insert into ${table} (${list}) select ${values} ${from}`);
  };
  // A UUIDv7 with the original's millisecond (it sorts next to it) and a digest of (id, k) for the rest.
  const v7 = (col: string) =>
    `(substr(${col}::text, 1, 19) || '8' || substr(md5(${col}::text || st.k), 1, 3) || '-' || substr(md5(${col}::text || st.k), 4, 12))::uuid`;
  await sql`drop table if exists bench_stripes, bench_moved, bench_topic_map, bench_campaign_map, bench_saved_stats, bench_saved_counters`;
  await sql`create table bench_stripes (k int primary key, project_id uuid not null, vapid_key_id uuid not null)`;
  await sql`insert into bench_stripes ${sql(stripes)}`;
  await sql`
    create table bench_moved as
    select id, k, vapid_key_id from (
      select id, vapid_key_id, ((r / 100) + r) % ${o.count} as k
      from (select id, vapid_key_id, row_number() over (order by id) - 1 as r from subscriptions where project_id = ${def}) x) y
    where k > 0`;
  await sql`alter table bench_moved add primary key (id)`;
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`update subscriptions s set project_id = st.project_id, vapid_key_id = st.vapid_key_id from bench_moved m join bench_stripes st using (k) where s.id = m.id`;
  });
  // Topics: a clone per project, the memberships of moved subscribers re-pointed.
  await sql.unsafe(
    `create table bench_topic_map as select st.k, t.id as orig, ${v7('t.id')} as clone from topics t cross join bench_stripes st where t.project_id = '${def}'`,
  );
  await clone(
    'topics',
    { id: 'm.clone', project_id: 'st.project_id' },
    'from bench_topic_map m join topics t on t.id = m.orig join bench_stripes st using (k)',
  );
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`update subscription_topics x set topic_id = m.clone from bench_moved s, bench_topic_map m where x.subscription_id = s.id and m.k = s.k and m.orig = x.topic_id`;
  });
  // Campaigns: a clone per project (its topics mapped), deliveries and receipts re-pointed.
  await sql.unsafe(
    `create table bench_campaign_map as select st.k, t.id as orig, ${v7('t.id')} as clone from campaigns t cross join bench_stripes st where t.project_id = '${def}'`,
  );
  await sql`create table bench_saved_counters as select id, targeted, sent, failed, expired, skipped from campaigns where project_id = ${def}`;
  await sql`create table bench_saved_stats as select * from campaign_stats where campaign_id in (select id from bench_saved_counters)`;
  const topicsIn = (col: string) =>
    `coalesce((select array_agg(coalesce(tm.clone, u.id) order by u.n) from unnest(t.${col}) with ordinality u(id, n) left join bench_topic_map tm on tm.orig = u.id and tm.k = st.k), '{}')`;
  await clone(
    'campaigns',
    {
      id: 'm.clone',
      project_id: 'st.project_id',
      topic_ids: topicsIn('topic_ids'),
      exclude_topic_ids: topicsIn('exclude_topic_ids'),
      idempotency_key: 'null',
      message_id: 'null',
      shown: '0',
      clicked: '0',
      closed: '0',
    },
    'from bench_campaign_map m join campaigns t on t.id = m.orig join bench_stripes st using (k)',
  );
  const t1 = Date.now();
  for (const table of ['deliveries', 'receipts'] as const) {
    const exists = (await sql`select to_regclass(${table}) as r`)[0]!.r;
    if (!exists) continue;
    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      await tx.unsafe(
        `update ${table} d set campaign_id = m.clone from bench_moved s, bench_campaign_map m where d.subscription_id = s.id and m.k = s.k and m.orig = d.campaign_id`,
      );
    });
  }
  const moveMs = Date.now() - t1;
  // Counters and per-minute stats of the originals and clones, from their deliveries.
  const recount = async () => {
    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      await tx`create temp table bench_affected on commit drop as select orig as id from bench_campaign_map union select clone from bench_campaign_map`;
      await tx`delete from campaign_stats where campaign_id in (select id from bench_affected)`;
      await tx`
        insert into campaign_stats (campaign_id, bucket, push_service, outcome, count, latency_sum_ms)
        select campaign_id, date_trunc('minute', updated_at), push_service, status::text, count(*), coalesce(sum(latency_ms), 0)
        from deliveries where campaign_id in (select id from bench_affected) and status in ('sent', 'failed', 'expired')
        group by 1, 2, 3, 4`;
      await tx`
        update campaigns c set targeted = coalesce(x.total, 0), sent = coalesce(x.sent, 0), failed = coalesce(x.failed, 0),
          expired = coalesce(x.expired, 0), skipped = coalesce(x.skipped, 0)
        from bench_affected a left join (
          select campaign_id, count(*)::int as total,
                 count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed,
                 count(*) filter (where status = 'expired')::int as expired, count(*) filter (where status = 'skipped')::int as skipped
          from deliveries where campaign_id in (select id from bench_affected) group by campaign_id) x on x.campaign_id = a.id
        where c.id = a.id`;
    });
  };
  await recount();
  await sql`vacuum analyze subscriptions, subscription_topics, topics, campaigns, deliveries, campaign_stats`;
  const counts = await sql<{ project_id: string; n: number }[]>`select project_id, count(*)::int as n from subscriptions group by project_id`;
  const nOf = (id: string) => counts.find((c) => c.project_id === id)?.n ?? 0;
  const projects = [{ id: def, slug: 'default' }, ...seeded.projects.map((p) => ({ id: p.id, slug: p.slug }))].map((p) => ({ ...p, subscribers: nOf(p.id) }));
  o.log(
    `striped the default project over ${o.count} projects (${projects.map((p) => fmt.int(p.subscribers)).join(', ')} subscribers; deliveries moved in ${(moveMs / 1000).toFixed(1)} s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const lookup = (table: string) => async (id: string, k: number) => {
    const [r] = await sql.unsafe<{ clone: string }[]>(`select clone from ${table} where orig = $1 and k = $2`, [id, k]);
    if (!r) throw new Error(`no clone of ${id} in stripe ${k}`);
    return r.clone;
  };
  return {
    projects,
    topic: lookup('bench_topic_map'),
    campaign: lookup('bench_campaign_map'),
    async restore() {
      const t2 = Date.now();
      for (const table of ['deliveries', 'receipts'] as const) {
        const exists = (await sql`select to_regclass(${table}) as r`)[0]!.r;
        if (!exists) continue;
        await sql.begin(async (tx) => {
          await tx`set local synchronous_commit = off`;
          await tx.unsafe(`update ${table} d set campaign_id = m.orig from bench_campaign_map m where d.campaign_id = m.clone`);
        });
      }
      await sql.begin(async (tx) => {
        await tx`set local synchronous_commit = off`;
        await tx`update subscription_topics x set topic_id = m.orig from bench_topic_map m where x.topic_id = m.clone`;
        await tx`update subscriptions s set project_id = ${def}, vapid_key_id = m.vapid_key_id from bench_moved m where s.id = m.id`;
        await tx`delete from campaign_stats where campaign_id in (select id from bench_saved_counters)`;
        await tx`insert into campaign_stats select * from bench_saved_stats`;
        await tx`
          update campaigns c set targeted = s.targeted, sent = s.sent, failed = s.failed, expired = s.expired, skipped = s.skipped
          from bench_saved_counters s where c.id = s.id`;
      });
      await seeded.drop();
      await sql`drop table bench_stripes, bench_moved, bench_topic_map, bench_campaign_map, bench_saved_stats, bench_saved_counters`;
      await sql`vacuum analyze subscriptions, subscription_topics, topics, campaigns, deliveries, campaign_stats`;
      if ((await fingerprint()) !== before) throw new Error('stripeProjects: the database differs from before the stripes after moving the rows back');
      o.log(`moved every row back into the default project in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    },
  };
}
