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
import { forkTs, request, ROOT, type Child, type Env } from './proc';

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
 * cascade, all their rows, so later benchmarks see the database as before.
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
