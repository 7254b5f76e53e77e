/**
 * Benchmark 3: the dashboard at scale. With `scaleN` subscribers and `deliveryRows` delivery
 * rows (finished campaigns of `scaleN` each, seeded in SQL with mixed outcomes, next to the ones
 * the engine sent), real HTTP requests with a signed-in owner's cookie go to the production
 * server, one at a time, timed to the last byte of the page:
 *  - the subscribers list filtered by a topic: first page, and a deep page (keyset cursor in
 *    the middle of the table), for a 10% and a 1% topic;
 *  - a campaign's detail page (counters, charts, first page of deliveries);
 *  - the same page with its deliveries filtered by status.
 * Baseline: /admin/account, an admin page that reads nothing but the session (the framework's
 * and the sign-in check's share of every page).
 *
 * The same pages' SQL is captured by running the same service functions with a logging Drizzle
 * instance, and each statement is run under EXPLAIN ANALYZE: the slowest statement and its
 * index use are printed for every page, and full plans for any page that misses its target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Db } from '../db';
import type { AppServer } from './lib/app-server';
import { timedGet } from './lib/app-server';
import { seedDeliveries } from './lib/db';
import { fmt, type Row } from './lib/report';
import { settle, subscriberId, type Bench } from './lib/setup';
import { CONTENT } from './fanout';

interface Page {
  name: string;
  path: string;
  /** Text the page must contain (a real render, not the sign-in page or an error). */
  marker: string;
  sql: (db: Db) => Promise<unknown>;
}

export interface DashboardResult {
  rows: Row[];
  /** Markdown: the SQL behind each page (and plans for missed targets). */
  notes: string;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Adds finished campaigns of `scaleN` deliveries each until the table holds `deliveryRows`. */
export async function seedDeliveryRows(b: Bench, o: { scaleN: number; deliveryRows: number; log: (s: string) => void }): Promise<string> {
  const db = (await b.app.runtime()).database.db;
  const ctx = b.app.systemCtx(db);
  let n = (await b.sql<{ n: number }[]>`select count(*)::int as n from deliveries`)[0]!.n;
  let last: string | null = null;
  for (let i = 0; n < o.deliveryRows || !last; i++) {
    const t0 = Date.now();
    const count = Math.min(o.scaleN, b.seeded);
    const c = await b.app.createCampaign(ctx, { name: `History ${i + 1}`, content: CONTENT, audience: 'all' });
    await seedDeliveries(b.sql, { campaignId: c.id, count, salt: i * 7919, startedAt: new Date(Date.now() - (i + 1) * 86_400_000), minutes: 30 });
    n += count;
    last = c.id;
    o.log(`seeded a finished campaign with ${fmt.int(count)} deliveries (${fmt.int(n)} rows in all) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await b.sql`vacuum analyze deliveries`;
  await b.sql`vacuum analyze campaign_stats`;
  return last!;
}

/** Runs `fn` with a Drizzle instance that records every statement, then EXPLAIN ANALYZEs them. */
async function explain(b: Bench, fn: (db: Db) => Promise<unknown>): Promise<{ sql: string; ms: number; plan: string[] }[]> {
  const seen: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(b.sql, { schema: b.app.schema, logger: { logQuery: (q, params) => void seen.push({ sql: q, params }) } }) as unknown as Db;
  await fn(db);
  const out: { sql: string; ms: number; plan: string[] }[] = [];
  for (const q of seen) {
    const rows = await b.sql.unsafe(`explain (analyze, buffers) ${q.sql}`, q.params as never[]);
    const plan = rows.map((r) => String((r as Record<string, unknown>)['QUERY PLAN']));
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
    out.push({ sql: q.sql, ms, plan });
  }
  return out.sort((a, c) => c.ms - a.ms);
}

const scans = (plan: string[]) =>
  [...new Set(plan.flatMap((l) => /((?:Index Only|Index|Bitmap Index|Bitmap Heap|Seq) Scan(?: Backward)?(?: using \S+)? on \S+)/.exec(l)?.[1] ?? []))].join(
    '; ',
  );

export async function dashboardBench(
  b: Bench,
  app: AppServer,
  o: { campaignId: string; requests: number; log: (s: string) => void; full?: boolean },
): Promise<DashboardResult> {
  const ctx = (db: Db) => b.app.systemCtx(db);
  const q = await import('../server/subscribers/queries');
  const cq = await import('../server/campaigns/queries');
  const deep = await subscriberId(b, Math.floor(b.seeded / 2));
  const campaignName = (await b.sql<{ name: string }[]>`select name from campaigns where id = ${o.campaignId}`)[0]!.name;
  const subscribers = (topic: string, label: string, before?: string): Page => ({
    name: `subscribers, topic ${label}, ${before ? 'deep page (cursor mid-table)' : 'first page'}`,
    path: `/admin/subscribers?topic=${topic}${before ? `&before=${before}` : ''}`,
    marker: 'data-testid="subscriber-row-',
    sql: async (db) => {
      await q.listSubscribers(ctx(db), { topic, before });
      await q.subscriberFacets(ctx(db));
    },
  });
  const campaignSql = (status?: 'failed') => async (db: Db) => {
    const c = ctx(db);
    await cq.getCampaign(c, o.campaignId);
    await cq.campaignProgress(c, o.campaignId);
    await cq.campaignTimeline(c, o.campaignId);
    await cq.campaignByService(c, o.campaignId);
    await cq.deliveryFacets(c, o.campaignId);
    await cq.listDeliveries(c, o.campaignId, { status });
  };
  const pages: Page[] = [
    subscribers(b.topics.sports, 'of 10%'),
    subscribers(b.topics.sports, 'of 10%', deep),
    subscribers(b.topics.rare, 'of 1%'),
    subscribers(b.topics.rare, 'of 1%', deep),
    { name: 'campaign detail (1M deliveries)', path: `/admin/campaigns/${o.campaignId}`, marker: 'data-testid="delivery-row"', sql: campaignSql() },
    {
      name: 'campaign deliveries filtered by status (failed)',
      path: `/admin/campaigns/${o.campaignId}?status=failed`,
      marker: 'data-testid="delivery-row"',
      sql: campaignSql('failed'),
    },
  ];
  const baseline: Page = { name: 'baseline: /admin/account', path: '/admin/account', marker: 'Your account', sql: async () => {} };
  const all = [baseline, ...pages];
  const dump = process.env.BENCH_DUMP_PAGES;
  if (dump) mkdirSync(dump, { recursive: true });
  for (const p of all) {
    const r = await timedGet(app, p.path);
    if (r.status !== 200 || !r.body.includes(p.marker)) {
      throw new Error(
        `dashboard: ${p.path} answered ${r.status}${r.location ? ` → ${r.location}` : ''} without "${p.marker}" (${r.bytes} bytes)\n${app.child.tail()}`,
      );
    }
    if (p.path.includes('campaigns') && !r.body.includes(campaignName)) throw new Error(`dashboard: ${p.path} does not show the campaign`);
    if (dump)
      writeFileSync(
        path.join(
          dump,
          `${all.indexOf(p)}-${p.name
            .replace(/[^a-z0-9]+/gi, '-')
            .replace(/^-|-$/g, '')
            .toLowerCase()}.html`,
        ),
        r.body,
      );
  }
  await settle(b);
  o.log(`dashboard: ${all.length} pages × ${o.requests} requests, one at a time, interleaved`);
  const times = new Map<Page, number[]>(all.map((p) => [p, []]));
  const sizes = new Map<Page, number>();
  for (let i = 0; i < 3; i++) for (const p of all) await timedGet(app, p.path); // warm-up
  for (let i = 0; i < o.requests; i++) {
    for (const p of all) {
      const r = await timedGet(app, p.path);
      if (r.status !== 200) throw new Error(`dashboard: ${p.path} answered ${r.status}`);
      times.get(p)!.push(r.ms);
      sizes.set(p, r.bytes);
    }
  }
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB of HTML`;
  const stat = (p: Page) => {
    const s = [...times.get(p)!].sort((a, c) => a - c);
    return { p50: pct(s, 50), p95: pct(s, 95), max: s[s.length - 1]! };
  };
  const base = stat(baseline);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const p of pages) {
    const s = stat(p);
    const ok = s.p95 < 50;
    const plans = await explain(b, p.sql);
    const slowest = plans[0];
    rows.push({
      bench: '3. dashboard at scale',
      figure: p.name,
      value: `p95 ${fmt.ms(s.p95)} (p50 ${fmt.ms(s.p50)}, max ${fmt.ms(s.max)}; ${kib(sizes.get(p)!)})`,
      baseline: `/admin/account p95 ${fmt.ms(base.p95)} (${kib(sizes.get(baseline)!)})`,
      ratio: fmt.x(s.p95 / base.p95),
      target: 'p95 < 50 ms',
      ok,
    });
    const total = plans.reduce((a, x) => a + x.ms, 0);
    notes.push(
      `- **${p.name}** (\`${p.path.replace(/[0-9a-f-]{36}/g, '…')}\`): ${plans.length} statements, ${fmt.ms(total)} of SQL execution in all; slowest ${fmt.ms(slowest?.ms ?? 0)}: ${slowest ? scans(slowest.plan) || 'no table scan' : '–'}`,
    );
    if (!ok && o.full !== false) {
      for (const pl of plans.slice(0, 3)) notes.push('', '```', pl.sql, ...pl.plan, '```');
    }
  }
  return { rows, notes: notes.join('\n') };
}
