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
 *
 * Projects: then the same rows are striped over 10 projects (stripeProjects: the default
 * project's subscribers, topics, campaigns and deliveries moved, so the database holds the same
 * totals), the same pages of one of them (/admin/p/bench-1/…, its own topics, mid-table cursor
 * and its share of the campaign) are measured with the same baseline, the rows are moved back and
 * the one-project pages measured again: each page's p95 ÷ the one project's (before and after
 * pooled), against the noise the before/after pair shows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Db } from '../db';
import type { AppServer } from './lib/app-server';
import { timedGet } from './lib/app-server';
import { seedDeliveries } from './lib/db';
import { fmt, type Row } from './lib/report';
import { settle, stripeProjects, subscriberId, type Bench } from './lib/setup';
import type { ProjectRef } from '../server/context';
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

/** Checks that every page renders (status 200, its marker, the campaign's name, `expect` if given). */
async function checkPages(app: AppServer, all: Page[], campaignName: string, expect?: string, dumpPrefix = ''): Promise<void> {
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
    if (expect && !r.body.includes(expect)) throw new Error(`dashboard: ${p.path} does not show "${expect}"`);
    if (dump)
      writeFileSync(
        path.join(
          dump,
          `${dumpPrefix}${all.indexOf(p)}-${p.name
            .replace(/[^a-z0-9]+/gi, '-')
            .replace(/^-|-$/g, '')
            .toLowerCase()}.html`,
        ),
        r.body,
      );
  }
}

interface Measured {
  times: Map<Page, number[]>;
  sizes: Map<Page, number>;
}

/** `requests` rounds over `all`, one request at a time, interleaved (after 3 rounds of warm-up). */
async function measure(app: AppServer, all: Page[], requests: number): Promise<Measured> {
  const times = new Map<Page, number[]>(all.map((p) => [p, []]));
  const sizes = new Map<Page, number>();
  for (let i = 0; i < 3; i++) for (const p of all) await timedGet(app, p.path); // warm-up
  for (let i = 0; i < requests; i++) {
    for (const p of all) {
      const r = await timedGet(app, p.path);
      if (r.status !== 200) throw new Error(`dashboard: ${p.path} answered ${r.status}`);
      times.get(p)!.push(r.ms);
      sizes.set(p, r.bytes);
    }
  }
  return { times, sizes };
}

const stat = (samples: number[]) => {
  const s = [...samples].sort((a, c) => a - c);
  return { p50: pct(s, 50), p95: pct(s, 95), max: s[s.length - 1]! };
};

/** How many projects the projects comparison stripes the database over. */
export const DASHBOARD_PROJECTS = 10;

export async function dashboardBench(
  b: Bench,
  app: AppServer,
  o: { campaignId: string; requests: number; log: (s: string) => void; full?: boolean; projects?: boolean },
): Promise<DashboardResult> {
  const q = await import('../server/subscribers/queries');
  const cq = await import('../server/campaigns/queries');
  const deep = await subscriberId(b, Math.floor(b.seeded / 2));
  const campaignName = (await b.sql<{ name: string }[]>`select name from campaigns where id = ${o.campaignId}`)[0]!.name;
  /** The measured pages in one project: its topics' ids, a mid-table cursor, its campaign. */
  const pagesOf = (pr: {
    project?: ProjectRef;
    prefix: string;
    topics: { sports: string; rare: string };
    deep: string;
    campaignId: string;
    deliveries: string;
  }) => {
    const ctx = (db: Db) => b.app.systemCtx(db, pr.project);
    const subscribers = (topic: string, label: string, before?: string): Page => ({
      name: `subscribers, topic ${label}, ${before ? 'deep page (cursor mid-table)' : 'first page'}`,
      path: `${pr.prefix}/subscribers?topic=${topic}${before ? `&before=${before}` : ''}`,
      marker: 'data-testid="subscriber-row-',
      sql: async (db) => {
        await q.listSubscribers(ctx(db), { topic, before });
        await q.subscriberFacets(ctx(db));
      },
    });
    const campaignSql = (status?: 'failed') => async (db: Db) => {
      const c = ctx(db);
      await cq.getCampaign(c, pr.campaignId);
      await cq.campaignProgress(c, pr.campaignId);
      await cq.campaignTimeline(c, pr.campaignId);
      await cq.campaignByService(c, pr.campaignId);
      await cq.deliveryFacets(c, pr.campaignId);
      await cq.listDeliveries(c, pr.campaignId, { status });
    };
    const pages: Page[] = [
      subscribers(pr.topics.sports, 'of 10%'),
      subscribers(pr.topics.sports, 'of 10%', pr.deep),
      subscribers(pr.topics.rare, 'of 1%'),
      subscribers(pr.topics.rare, 'of 1%', pr.deep),
      {
        name: `campaign detail (${pr.deliveries} deliveries)`,
        path: `${pr.prefix}/campaigns/${pr.campaignId}`,
        marker: 'data-testid="delivery-row"',
        sql: campaignSql(),
      },
      {
        name: 'campaign deliveries filtered by status (failed)',
        path: `${pr.prefix}/campaigns/${pr.campaignId}?status=failed`,
        marker: 'data-testid="delivery-row"',
        sql: campaignSql('failed'),
      },
    ];
    return pages;
  };
  const pages = pagesOf({ prefix: '/admin', topics: b.topics, deep, campaignId: o.campaignId, deliveries: '1M' });
  const baseline: Page = { name: 'baseline: /admin/account', path: '/admin/account', marker: 'Your account', sql: async () => {} };
  const all = [baseline, ...pages];
  await checkPages(app, all, campaignName);
  await settle(b);
  o.log(`dashboard: ${all.length} pages × ${o.requests} requests, one at a time, interleaved`);
  const single = await measure(app, all, o.requests);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB of HTML`;
  const base = stat(single.times.get(baseline)!);
  const rows: Row[] = [];
  const notes: string[] = [];
  const noteOf = async (p: Page, plansFor: Page = p) => {
    const plans = await explain(b, plansFor.sql);
    const slowest = plans[0];
    const total = plans.reduce((a, x) => a + x.ms, 0);
    notes.push(
      `- **${p.name}** (\`${p.path.replace(/[0-9a-f-]{36}/g, '…')}\`): ${plans.length} statements, ${fmt.ms(total)} of SQL execution in all; slowest ${fmt.ms(slowest?.ms ?? 0)}: ${slowest ? scans(slowest.plan) || 'no table scan' : '–'}`,
    );
    return plans;
  };
  for (const p of pages) {
    const s = stat(single.times.get(p)!);
    const ok = s.p95 < 50;
    const plans = await noteOf(p);
    rows.push({
      bench: '3. dashboard at scale',
      figure: p.name,
      value: `p95 ${fmt.ms(s.p95)} (p50 ${fmt.ms(s.p50)}, max ${fmt.ms(s.max)}; ${kib(single.sizes.get(p)!)})`,
      baseline: `/admin/account p95 ${fmt.ms(base.p95)} (${kib(single.sizes.get(baseline)!)})`,
      ratio: fmt.x(s.p95 / base.p95),
      target: 'p95 < 50 ms',
      ok,
    });
    if (!ok && o.full !== false) {
      for (const pl of plans.slice(0, 3)) notes.push('', '```', pl.sql, ...pl.plan, '```');
    }
  }
  if (o.projects !== false) rows.push(...(await projectsComparison()));
  return { rows, notes: notes.join('\n') };

  /**
   * The same pages in one of DASHBOARD_PROJECTS projects that together hold this database's
   * rows (stripeProjects: moved, not added), against the pages above before and after (the
   * rows moved back), all in this run.
   */
  async function projectsComparison(): Promise<Row[]> {
    const K = 1;
    const stripes = await stripeProjects(b, { count: DASHBOARD_PROJECTS, log: o.log });
    let striped: Measured;
    let pages10: Page[];
    const pr = stripes.projects[K]!;
    const total = stripes.projects.reduce((a, x) => a + x.subscribers, 0);
    let deliveries10: number;
    try {
      const clone = await stripes.campaign(o.campaignId, K);
      deliveries10 = (await b.sql<{ n: number }[]>`select targeted as n from campaigns where id = ${clone}`)[0]!.n;
      const [mid] = await b.sql<{ id: string }[]>`
        select id from subscriptions where project_id = ${pr.id} order by id offset ${Math.floor(pr.subscribers / 2)} limit 1`;
      pages10 = pagesOf({
        project: { id: pr.id, slug: pr.slug },
        prefix: `/admin/p/${pr.slug}`,
        topics: { sports: await stripes.topic(b.topics.sports, K), rare: await stripes.topic(b.topics.rare, K) },
        deep: mid!.id,
        campaignId: clone,
        deliveries: fmt.int(deliveries10),
      });
      await checkPages(app, pages10, campaignName, `value="${pr.slug}" selected`, 'p-');
      await settle(b);
      o.log(`dashboard, ${DASHBOARD_PROJECTS} projects: the pages of ${pr.slug} (+ baseline) × ${o.requests} requests`);
      striped = await measure(app, [baseline, ...pages10], o.requests);
      notes.push('', `SQL of the same pages in project ${pr.slug}, one of ${DASHBOARD_PROJECTS} holding the same rows:`, '');
      for (const p of pages10) await noteOf(p);
    } finally {
      await stripes.restore();
    }
    await settle(b);
    o.log(`dashboard: 1 project again (rows moved back), ${all.length} pages × ${o.requests} requests`);
    const after = await measure(app, all, o.requests);
    const bench = `3. dashboard, ${DASHBOARD_PROJECTS} projects vs 1`;
    const out: Row[] = [];
    const row = (figure: string, p10: Page, p1: Page, target = false): Row => {
      const s10 = stat(striped.times.get(p10)!);
      const before = stat(single.times.get(p1)!);
      const again = stat(after.times.get(p1)!);
      const pooled = stat([...single.times.get(p1)!, ...after.times.get(p1)!]);
      const ratio = s10.p95 / pooled.p95;
      // Noise: how far this page's own 1-project p95 moved between before and after.
      const noise = Math.max(before.p95, again.p95) / Math.min(before.p95, again.p95);
      const limit = Math.max(1.2, noise);
      return {
        bench,
        figure,
        value: `p95 ${fmt.ms(s10.p95)} (p50 ${fmt.ms(s10.p50)}, max ${fmt.ms(s10.max)}; ${kib(striped.sizes.get(p10)!)})`,
        baseline: `1 project p95 ${fmt.ms(pooled.p95)} (before ${fmt.ms(before.p95)}, after ${fmt.ms(again.p95)})`,
        ratio: fmt.x(ratio),
        ...(target ? { target: `p95 ≤ ${fmt.x(limit)} (1.2× or the 1-project before/after spread, the larger)`, ok: ratio <= limit } : {}),
      };
    };
    out.push(
      row(
        `baseline /admin/account (noise check; ${pr.slug} is one of ${DASHBOARD_PROJECTS} projects holding the same ${fmt.int(total)} subscribers, ${fmt.int(pr.subscribers)} of them)`,
        baseline,
        baseline,
      ),
    );
    for (const [i, p] of pages10.entries()) out.push(row(`${pr.slug}: ${p.name}`, p, pages[i]!, true));
    return out;
  }
}
