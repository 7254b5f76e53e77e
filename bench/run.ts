/**
 * `npm run bench`: Pushdeck's benchmarks, on real parts only (PostgreSQL, pg-boss, the worker
 * process, the production server, a TLS push-service sink in its own process). Every figure
 * comes with a baseline measured in the same run, so ratios hold on a noisy shared machine.
 *
 *   npm run bench                          all four, full size (100k fan-out, 1M scale, …)
 *   npm run bench -- --only fanout,scale   some of them (fanout, scale, dashboard, subscribe)
 *   npm run bench -- --n 20000             fan-out size (scale stays 1M unless --scale-n)
 *   npm run bench -- --smoke               tiny sizes, seconds: checks that everything runs
 *
 * The fan-out also sends to the same n subscribers spread over 10 projects (a VAPID key and
 * n/10 subscribers each, 10 campaigns at once) against 1 project: the throughput ratio and the
 * spread of the projects' finish times (fairness), delivered exactly once in both.
 * The dashboard also measures its pages in one of 10 projects that hold the same rows between
 * them (moved out of the default project and back, not added), against the one project's pages
 * before and after in the same run: the p95 ratio, with the baseline page as a noise check.
 *
 * Other flags: --scale-n N, --deliveries N (dashboard rows, default 5 × scale-n),
 * --no-build (reuse .next), --keep (keep the bench database), --profile DIR (worker
 * --cpu-prof during the fan-out), --profile-app DIR (the production server under --cpu-prof; the
 * profile is written when it stops), --no-naive (development: skip the naive baseline). Needs PostgreSQL: BENCH_DATABASE_URL (an admin URL; default
 * postgres://postgres@127.0.0.1:5432/postgres). Writes bench/results/latest.md (smoke runs:
 * smoke.md; runs with --only or other sizes: partial.md) and exits non-zero if anything was
 * not delivered exactly once, or a page or request failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dashboardBench, seedDeliveryRows } from './dashboard';
import { fanoutBench, runCampaign, startWorker, warmUp, type CampaignRun } from './fanout';
import { ensureBuild, startAppServer, type AppServer } from './lib/app-server';
import { machine, resetPeakRss } from './lib/procstat';
import { ROOT } from './lib/proc';
import { fmt, LoadSampler, renderSections, renderTable, type Row, type Section } from './lib/report';
import { openBench, seedUpTo, type Bench } from './lib/setup';
import { scaleBench } from './scale';
import { PUBLIC_RATE_FOR_BENCH, subscribeBench } from './subscribe';

const BENCHES = ['fanout', 'scale', 'dashboard', 'subscribe'] as const;
type BenchName = (typeof BENCHES)[number];

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    'scale-n': { type: 'string' },
    deliveries: { type: 'string' },
    only: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    profile: { type: 'string' },
    'profile-app': { type: 'string' },
    'no-naive': { type: 'boolean', default: false },
  },
});

const smoke = args.smoke!;
const int = (v: string | undefined, d: number) => {
  if (v === undefined) return d;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`Not a positive whole number: ${v}`);
  return n;
};
const n = int(args.n, smoke ? 1000 : 100_000);
const scaleN = int(args['scale-n'], smoke ? 2500 : 1_000_000);
if (smoke) process.env.BENCH_NO_WARMUP = '1';
const deliveryRows = int(args.deliveries, 5 * scaleN);
const only = new Set<BenchName>(
  (args.only ?? BENCHES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!(BENCHES as readonly string[]).includes(s)) throw new Error(`--only takes ${BENCHES.join(', ')}; not ${s}`);
      return s as BenchName;
    }),
);

const t0 = Date.now();
const log = (s: string) => console.log(`[bench +${Math.round((Date.now() - t0) / 1000)}s] ${s}`);

async function main() {
  const m = machine();
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = smoke ? 'pushdeck_bench_smoke' : 'pushdeck_bench';
  log(`${smoke ? 'smoke run' : 'full run'}: ${[...only].join(', ')}; n=${n}, scale-n=${scaleN}, deliveries=${deliveryRows}; load ${m.load1}`);
  const b: Bench = await openBench({ adminUrl, dbName, log });
  const rows: Row[] = [];
  const sections: Section[] = [];
  let notes = '';
  let failed: unknown;
  let app: AppServer | undefined;
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = new LoadSampler(name);
    try {
      return await fn();
    } finally {
      sections.push(s.stop());
    }
  };
  try {
    let small: CampaignRun | undefined;
    if (only.has('fanout') || only.has('scale')) await seedUpTo(b, n, log);
    if (only.has('fanout')) {
      const r = await section('fan-out', () =>
        fanoutBench(b, { n, floorMessages: Math.min(n, 20_000), log, profile: args.profile, baselines: !args['no-naive'] }),
      );
      rows.push(...r.rows);
      small = r.engine;
    }
    if (only.has('scale') && !small) {
      small = await section(`engine at ${fmt.int(n)} (for the scale ratio)`, async () => {
        const w = await startWorker(b);
        try {
          await warmUp(b, w, log);
          return await runCampaign(b, w, { name: `fan-out ${fmt.int(n)}`, target: { audience: 'all' }, expected: n, log });
        } finally {
          await w.stop();
        }
      });
    }
    if (only.has('scale') || only.has('dashboard') || only.has('subscribe')) {
      await ensureBuild(!smoke && !args['no-build'], log);
      const appProfile = args['profile-app'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['profile-app'])}`] : [];
      app = await startAppServer(b, { PUBLIC_API_RATE_PER_MINUTE: PUBLIC_RATE_FOR_BENCH }, appProfile);
    }
    if (only.has('scale')) {
      await seedUpTo(b, scaleN, log);
      const r = await section('scale', () => scaleBench(b, app!, { n, scaleN, small: small!, log }));
      rows.push(...r.rows);
    }
    const appPeak = (phase: string) => {
      rows.push({ bench: 'app', figure: `production server peak RSS during ${phase}`, value: fmt.mib(app!.child.peakRssMiB()) });
      resetPeakRss(app!.child.pid);
    };
    if (only.has('dashboard')) {
      await seedUpTo(b, scaleN, log);
      if (app) resetPeakRss(app.child.pid);
      const r = await section('dashboard', async () => {
        const campaignId = await seedDeliveryRows(b, { scaleN, deliveryRows, log });
        return dashboardBench(b, app!, { campaignId, requests: smoke ? 3 : 60, full: !smoke, log });
      });
      rows.push(...r.rows);
      notes += `### SQL behind the dashboard pages (EXPLAIN ANALYZE, same data)\n\n${r.notes}\n`;
      appPeak('the dashboard benchmark');
    }
    if (only.has('subscribe')) {
      resetPeakRss(app!.child.pid);
      rows.push(
        ...(await section('subscribe', () => subscribeBench(b, app!, { seconds: smoke ? 1 : 20, connections: smoke ? 8 : 32, rate: smoke ? 100 : 1000, log }))),
      );
      appPeak('the subscribe benchmark');
    }
  } catch (e) {
    failed = e;
  } finally {
    await app?.stop().catch(() => {});
    await b.close(args.keep!);
  }

  const header = [
    `# Pushdeck benchmarks${smoke ? ' (smoke: tiny sizes, figures meaningless)' : ''}`,
    '',
    `${new Date().toISOString()} · ${m.cpus} × ${m.model} · ${os.totalmem() > 0 ? Math.round(os.totalmem() / 2 ** 30) : '?'} GiB · Node ${process.version} · ${b.pgInfo} at ${new URL(adminUrl).host}`,
    `Sizes: fan-out ${n.toLocaleString('en')}, scale ${scaleN.toLocaleString('en')} subscribers, ${deliveryRows.toLocaleString('en')} delivery rows. Load average (1 min) at start: ${m.load1}.`,
    '',
    renderSections(sections),
    '',
  ].join('\n');
  const md = `${header}\n${renderTable(rows)}\n${notes ? `\n${notes}` : ''}`;
  console.log(`\n${md}`);
  // Only a full run at the default sizes replaces latest.md (the README quotes it).
  const partial = !!(args.only || args.n || args['scale-n'] || args.deliveries || args['no-naive'] || args.profile || args['profile-app']);
  const out = path.join(ROOT, 'bench/results', smoke ? 'smoke.md' : partial ? 'partial.md' : 'latest.md');
  mkdirSync(path.dirname(out), { recursive: true });
  if (!failed) writeFileSync(out, md);
  if (failed) {
    console.error(failed);
    process.exit(1);
  }
  log(`done; wrote ${path.relative(ROOT, out)}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
