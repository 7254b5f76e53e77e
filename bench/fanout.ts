/**
 * Benchmarks 1 and 2: one campaign through the whole engine — pg-boss jobs, keyset fan-out,
 * claimed batches, the sender, batched result writes — with the delivery worker in its own
 * process (server/worker.ts, as `npm run worker` runs it), against two baselines measured in
 * the same run: the naive web-push sender and the node:crypto floor. Then the same n
 * subscribers spread over 10 projects (each its own VAPID key and n/10 subscribers; 10
 * campaigns, one per project, sent at once) against the one-project campaign run before and
 * after it in the same worker: the throughput ratio, and how far apart the projects finished
 * (the delivery engine's fairness across projects).
 *
 * What is measured, and from where:
 *  - wall time from "send now" (the marketer's click) until the campaign row says completed;
 *  - the worker's CPU (utime+stime from /proc: its queue polling, database client, GC and TLS
 *    included) and its peak RSS (VmHWM);
 *  - PostgreSQL's CPU: the bench database's backends plus the WAL writer, checkpointer and
 *    background writer (bench/lib/procstat.ts);
 *  - from the sink: every subscriber got exactly one message, and no request was refused.
 */
import path from 'node:path';
import { PgCpuMeter } from './lib/procstat';
import { forkTs, request, ROOT, spawnTs, type Child } from './lib/proc';
import { fmt, type Row } from './lib/report';
import { BODY, seedProjects, settle, SUBJECT, TITLE, URL_, type Bench } from './lib/setup';
import type { ProjectRef } from '../server/context';
import type { SinkKeyRange, SinkReport } from './sink';

export const CONTENT = { title: TITLE, body: BODY, url: URL_ };

export interface CampaignRun {
  id: string;
  messages: number;
  wallMs: number;
  workerCpuMs: number;
  pgCpuMs: number;
  sink: SinkReport;
}

export interface BaselineRun {
  messages: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB?: number;
  sinkCpuMs?: number;
}

/** Fails the run when the sink saw anything but exactly one good message per subscriber. */
export function assertExactlyOnce(label: string, s: SinkReport, expected: number): void {
  const badCount = Object.values(s.bad).reduce((a, b) => a + b, 0);
  const problems: string[] = [];
  if (s.misses) problems.push(`${s.misses} subscribers got nothing`);
  if (s.duplicates) problems.push(`${s.duplicates} duplicate messages`);
  if (s.outside) problems.push(`${s.outside} messages to subscribers outside the audience`);
  if (badCount) problems.push(`${badCount} refused requests: ${JSON.stringify(s.bad)}`);
  if (s.decryptFailures) problems.push(`${s.decryptFailures} sampled messages did not decrypt to the campaign`);
  if (s.accepted !== expected && !problems.length) problems.push(`${s.accepted} accepted, ${expected} expected`);
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`);
}

export async function sinkReset(b: Bench, keys?: SinkKeyRange[]): Promise<void> {
  await request(b.sink, { type: 'reset', keys }, 'reset-done');
}

export async function sinkReport(b: Bench, from: number, to: number): Promise<SinkReport> {
  return request<SinkReport>(b.sink, { type: 'report', from, to }, 'report');
}

export interface FloorRun {
  /** A new ECDH context per message (perf-anchors.md's floor). */
  fresh: BaselineRun;
  /** One context, a new key pair per message (the lower floor; the target's baseline). */
  reused: BaselineRun;
}

/** The node:crypto floor, in a fresh process. */
export async function measureFloor(b: Bench, messages: number): Promise<FloorRun> {
  const child = spawnTs('bench/children/floor.ts', {
    label: 'floor',
    env: { BENCH_MESSAGES: String(messages), BENCH_POOL_FILE: path.join(ROOT, '.tmp/bench/pool.json'), BENCH_CONTENT: JSON.stringify(CONTENT) },
  });
  const line = await child.waitFor(/^\{"messages"/, 600_000);
  const r = JSON.parse(line) as { messages: number; fresh: { cpuMs: number; wallMs: number }; reused: { cpuMs: number; wallMs: number } };
  await child.stop();
  return { fresh: { messages: r.messages, ...r.fresh }, reused: { messages: r.messages, ...r.reused } };
}

/** Two floor runs (before and after the engine, which they bracket) pooled into one. */
function pooled(a: FloorRun, c: FloorRun): FloorRun {
  const add = (x: BaselineRun, y: BaselineRun): BaselineRun => ({ messages: x.messages + y.messages, cpuMs: x.cpuMs + y.cpuMs, wallMs: x.wallMs + y.wallMs });
  return { fresh: add(a.fresh, c.fresh), reused: add(a.reused, c.reused) };
}

/** web-push sendNotification, 200 in flight, in a fresh process, to the first `n` subscribers. */
export async function measureNaive(b: Bench, n: number): Promise<BaselineRun & { sink: SinkReport }> {
  const child = forkTs('bench/children/naive.ts', {
    label: 'naive',
    env: {
      NODE_EXTRA_CA_CERTS: b.certPath,
      BENCH_DB_URL: b.url,
      BENCH_N: String(n),
      BENCH_SUBJECT: SUBJECT,
      BENCH_VAPID_PUBLIC: b.vapid.publicKey,
      BENCH_VAPID_PRIVATE: b.vapid.privateKey,
      BENCH_CONTENT: JSON.stringify(CONTENT),
    },
  });
  const done = new Promise<{ wallMs: number; ok: number; failed: number; firstError?: string }>((resolve, reject) => {
    child.proc.on('message', (m: { type: string }) => {
      if (m.type === 'done') resolve(m as never);
    });
    child.proc.once('exit', (code) => reject(new Error(`naive sender exited (${code})\n${child.tail()}`)));
  });
  await new Promise<void>((resolve) => child.proc.on('message', (m: { type: string }) => m.type === 'warmed' && resolve()));
  await sinkReset(b);
  const sinkCpu0 = b.sink.cpuMs();
  const cpu0 = child.cpuMs();
  child.proc.send({ type: 'go' });
  const r = await done;
  const cpuMs = child.cpuMs() - cpu0;
  const sinkCpuMs = b.sink.cpuMs() - sinkCpu0;
  const peakRssMiB = child.peakRssMiB();
  await child.stop();
  if (r.failed) throw new Error(`naive sender: ${r.failed} sends failed (${r.firstError})`);
  const sink = await sinkReport(b, 0, n);
  assertExactlyOnce('naive sender', sink, n);
  return { messages: n, wallMs: r.wallMs, cpuMs, peakRssMiB, sinkCpuMs, sink };
}

/** A delivery worker process, as `npm run worker` starts it. */
export async function startWorker(b: Bench, nodeArgs: string[] = []): Promise<Child> {
  const w = spawnTs('server/worker.ts', { label: 'worker', env: { ...b.appEnv, LOG_LEVEL: 'info' }, nodeArgs });
  await w.waitFor(/"runtime\.started"/, 120_000);
  return w;
}

type Audience = { audience: 'all' } | { audience: 'any'; topicIds: string[] };

/** One campaign of a measurement: in `project` (the default one when absent). */
export interface CampaignSpec {
  name: string;
  target: Audience;
  /** How many subscribers it must reach (targeted = sent = this). */
  expected: number;
  project?: ProjectRef;
}

export interface CampaignsRun {
  ids: string[];
  messages: number;
  /** From the first "send now" until the last campaign row says completed. */
  wallMs: number;
  /** Per campaign (as `campaigns`): its completed_at, from just before the first "send now". */
  finishMs: number[];
  workerCpuMs: number;
  pgCpuMs: number;
  sink: SinkReport;
}

/**
 * Sends `campaigns` at the same moment (each one's "send now" concurrently) and measures them
 * together until the last is completed; the sink must have seen exactly one message for each
 * endpoint in [0, endpoints), signed with the key `keys` names for it (else the default key).
 */
export async function runCampaigns(
  b: Bench,
  worker: Child,
  o: {
    label: string;
    campaigns: CampaignSpec[];
    endpoints: number;
    keys?: SinkKeyRange[];
    log: (s: string) => void;
    onTick?: (campaignIds: string[]) => Promise<void>;
    timeoutMs?: number;
  },
): Promise<CampaignsRun> {
  const db = (await b.app.runtime()).database.db;
  const sends: { ctx: ReturnType<typeof b.app.systemCtx>; id: string }[] = [];
  for (const c of o.campaigns) {
    const ctx = b.app.systemCtx(db, c.project);
    const row = await b.app.createCampaign(ctx, { name: c.name, content: CONTENT, options: { ttl: 86_400, urgency: 'normal' }, ...c.target });
    sends.push({ ctx, id: row.id });
  }
  const ids = sends.map((s) => s.id);
  const expected = o.campaigns.reduce((a, c) => a + c.expected, 0);
  await sinkReset(b, o.keys);
  await settle(b);
  const meter = new PgCpuMeter(b.sql, b.dbName);
  await meter.start();
  const cpu0 = worker.cpuMs();
  // Epoch milliseconds on the database's clock (completed_at is set by it); Number() because this
  // client may hand numerics over as text.
  const [clock] = await b.sql<{ at: number }[]>`select extract(epoch from clock_timestamp())::float8 * 1000 as at`;
  const dbT0 = Number(clock!.at);
  const t0 = performance.now();
  await Promise.all(sends.map((s) => b.app.sendCampaignNow(s.ctx, { id: s.id })));
  const until = Date.now() + (o.timeoutMs ?? 3_600_000);
  let lastLog = Date.now();
  let lastTick = Date.now();
  for (;;) {
    const rows = await b.sql<{ status: string; targeted: number; sent: number }[]>`
      select status, targeted, sent from campaigns where id in ${b.sql(ids)}`;
    const sent = rows.reduce((a, r) => a + r.sent, 0);
    if (rows.every((r) => r.status === 'completed')) break;
    const stuck = rows.find((r) => r.status !== 'completed' && r.status !== 'sending' && r.status !== 'queued');
    if (stuck) throw new Error(`${o.label}: a campaign is ${stuck.status}`);
    if (Date.now() > until) throw new Error(`${o.label}: not completed in time (${sent}/${expected} sent)\n${worker.tail()}`);
    if (worker.proc.exitCode !== null) throw new Error(`${o.label}: the worker exited\n${worker.tail()}`);
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      o.log(`  ${o.label}: ${fmt.int(sent)} / ${fmt.int(expected)} sent`);
    }
    if (o.onTick && Date.now() - lastTick >= 1000) {
      lastTick = Date.now();
      await o.onTick(ids);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const wallMs = performance.now() - t0;
  const workerCpuMs = worker.cpuMs() - cpu0;
  const pgCpuMs = await meter.stop();
  const done = await b.sql<{ id: string; targeted: number; sent: number; completed_ms: number }[]>`
    select id, targeted, sent, extract(epoch from completed_at)::float8 * 1000 as completed_ms from campaigns where id in ${b.sql(ids)}`;
  const byId = new Map(done.map((r) => [r.id, r]));
  const finishMs = o.campaigns.map((c, i) => {
    const r = byId.get(ids[i]!)!;
    if (r.targeted !== c.expected || r.sent !== c.expected) throw new Error(`${c.name}: targeted ${r.targeted}, sent ${r.sent}, expected ${c.expected}`);
    return Number(r.completed_ms) - dbT0;
  });
  const sink = await sinkReport(b, 0, o.endpoints);
  assertExactlyOnce(o.label, sink, expected);
  return { ids, messages: expected, wallMs, finishMs, workerCpuMs, pgCpuMs, sink };
}

/**
 * Sends one campaign to `expected` subscribers (ids [0, expected)) and measures it. `onTick`
 * runs every second while it sends (the scale benchmark polls the dashboard there).
 */
export async function runCampaign(
  b: Bench,
  worker: Child,
  o: { name: string; target: Audience; expected: number; log: (s: string) => void; onTick?: (campaignId: string) => Promise<void>; timeoutMs?: number },
): Promise<CampaignRun> {
  const { onTick } = o;
  const r = await runCampaigns(b, worker, {
    label: o.name,
    campaigns: [{ name: o.name, target: o.target, expected: o.expected }],
    endpoints: o.expected,
    log: o.log,
    onTick: onTick && ((ids) => onTick(ids[0]!)),
    timeoutMs: o.timeoutMs,
  });
  return { id: r.ids[0]!, messages: r.messages, wallMs: r.wallMs, workerCpuMs: r.workerCpuMs, pgCpuMs: r.pgCpuMs, sink: r.sink };
}

/**
 * The first 1,000 subscribers (topic "warmup"): JIT, connections and the VAPID JWT are warm
 * after it. Smoke runs skip it (BENCH_NO_WARMUP): their figures mean nothing anyway.
 */
export async function warmUp(b: Bench, worker: Child, log: (s: string) => void): Promise<void> {
  if (process.env.BENCH_NO_WARMUP) return;
  await runCampaign(b, worker, { name: 'warm-up', target: { audience: 'any', topicIds: [b.topics.warmup] }, expected: Math.min(1000, b.seeded), log });
}

export interface FanoutResult {
  engine: CampaignRun;
  workerPeakRssMiB: number;
  rows: Row[];
}

/** How many projects the projects comparison spreads the n subscribers over. */
export const PROJECTS = 10;

/** The projects comparison's measurements: the 10-project run and the 1-project one after it. */
interface ProjectsRun {
  spread: CampaignsRun;
  after: CampaignRun;
}

export async function fanoutBench(
  b: Bench,
  o: { n: number; floorMessages: number; log: (s: string) => void; profile?: string; baselines?: boolean },
): Promise<FanoutResult> {
  const { n, log } = o;
  const projects = n >= PROJECTS ? await seedProjects(b, { n, count: PROJECTS, log }) : undefined;
  log(`crypto floor: ${fmt.int(o.floorMessages)} messages`);
  const floorBefore = await measureFloor(b, o.floorMessages);
  let naive: BaselineRun = { messages: n, wallMs: NaN, cpuMs: NaN };
  if (o.baselines !== false) {
    log(`naive web-push: ${fmt.int(n)} messages, 200 in flight`);
    naive = await measureNaive(b, n);
  }
  log(`engine: ${fmt.int(n)} subscribers, worker process`);
  const worker = await startWorker(b, o.profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profile}`] : []);
  let engine: CampaignRun;
  let workerPeakRssMiB: number;
  let compared: ProjectsRun | undefined;
  try {
    await warmUp(b, worker, log);
    engine = await runCampaign(b, worker, { name: `fan-out ${fmt.int(n)}`, target: { audience: 'all' }, expected: n, log });
    workerPeakRssMiB = worker.peakRssMiB();
    if (projects) {
      // Same worker, same n, right after the one-project campaign; then that one again, so the
      // baseline brackets the measurement (as the crypto floor brackets the engine).
      log(`projects: ${fmt.int(n)} subscribers over ${PROJECTS} projects, ${PROJECTS} campaigns sent at once`);
      const spread = await runCampaigns(b, worker, {
        label: `fan-out ${fmt.int(n)} over ${PROJECTS} projects`,
        campaigns: projects.projects.map((p) => ({
          name: `fan-out ${fmt.int(p.to - p.from)} (${p.slug})`,
          target: { audience: 'all' },
          expected: p.to - p.from,
          project: { id: p.id, slug: p.slug },
        })),
        endpoints: n,
        keys: projects.projects.map((p) => ({ from: p.from, to: p.to, publicKey: p.vapidPublicKey })),
        log,
      });
      log(
        `projects: finished at ${[...spread.finishMs]
          .sort((x, y) => x - y)
          .map(fmt.dur)
          .join(', ')} from the send`,
      );
      log(`projects: one project again, ${fmt.int(n)} subscribers`);
      const after = await runCampaign(b, worker, { name: `fan-out ${fmt.int(n)} (1 project, after)`, target: { audience: 'all' }, expected: n, log });
      compared = { spread, after };
    }
  } finally {
    await worker.stop();
  }
  await projects?.drop();
  log(`crypto floor again: ${fmt.int(o.floorMessages)} messages`);
  const floorAll = pooled(floorBefore, await measureFloor(b, o.floorMessages));
  const floor = floorAll.reused;
  const freshPerCpuS = (floorAll.fresh.messages / floorAll.fresh.cpuMs) * 1000;

  const floorPerCpuS = (floor.messages / floor.cpuMs) * 1000;
  const naiveWall = (naive.messages / naive.wallMs) * 1000;
  const naivePerCpuS = (naive.messages / naive.cpuMs) * 1000;
  const engineWall = (engine.messages / engine.wallMs) * 1000;
  const enginePerCpuS = (engine.messages / engine.workerCpuMs) * 1000;
  const engineAllPerCpuS = (engine.messages / (engine.workerCpuMs + engine.pgCpuMs)) * 1000;
  const bench = `1. fan-out, ${fmt.int(n)} subscribers`;
  const rows: Row[] = [
    {
      bench,
      figure: 'wall throughput (send → completed)',
      value: `${fmt.int(engineWall)} msgs/s`,
      baseline: `naive web-push ${fmt.int(naiveWall)} msgs/s`,
      ratio: fmt.x(engineWall / naiveWall),
      target: '≥ 3×',
      ok: engineWall / naiveWall >= 3,
    },
    {
      bench,
      figure: 'msgs per worker CPU-second (queue + DB client incl.)',
      value: `${fmt.int(enginePerCpuS)} (${fmt.ms(engine.workerCpuMs / engine.messages)}/msg)`,
      baseline: `crypto floor ${fmt.int(floorPerCpuS)} (${fmt.ms(floor.cpuMs / floor.messages)}/msg; before + after the engine)`,
      ratio: fmt.x(enginePerCpuS / floorPerCpuS),
      target: '≥ 0.6×',
      ok: enginePerCpuS / floorPerCpuS >= 0.6,
    },
    {
      bench,
      figure: 'same, against the crypto floor as perf-anchors.md measured it (new ECDH context per message)',
      value: fmt.int(enginePerCpuS),
      baseline: `floor ${fmt.int(freshPerCpuS)} (${fmt.ms(floorAll.fresh.cpuMs / floorAll.fresh.messages)}/msg)`,
      ratio: fmt.x(enginePerCpuS / freshPerCpuS),
    },
    {
      bench,
      figure: 'msgs per CPU-second, worker + PostgreSQL',
      value: fmt.int(engineAllPerCpuS),
      baseline: `crypto floor ${fmt.int(floorPerCpuS)}`,
      ratio: fmt.x(engineAllPerCpuS / floorPerCpuS),
    },
    {
      bench,
      figure: 'database CPU share (PostgreSQL ÷ worker + PostgreSQL)',
      value: `${fmt.pct(engine.pgCpuMs / (engine.pgCpuMs + engine.workerCpuMs))} (${fmt.ms(engine.pgCpuMs / engine.messages)}/msg)`,
    },
    { bench, figure: 'worker peak RSS', value: fmt.mib(workerPeakRssMiB), baseline: `naive ${fmt.mib(naive.peakRssMiB ?? 0)}` },
    {
      bench,
      figure: 'naive web-push, msgs per CPU-second',
      value: `${fmt.int(naivePerCpuS)} (${fmt.ms(naive.cpuMs / naive.messages)}/msg)`,
      baseline: `crypto floor ${fmt.int(floorPerCpuS)}`,
      ratio: fmt.x(naivePerCpuS / floorPerCpuS),
    },
    {
      bench,
      figure: 'sink: delivered exactly once, none refused',
      value: `${fmt.int(engine.sink.accepted)} accepted, 0 missed, 0 duplicates, ${engine.sink.decrypted} sampled decrypted`,
    },
  ];
  if (compared) rows.push(...projectRows(bench, n, engine, compared));
  return { engine, workerPeakRssMiB, rows };
}

/** The projects comparison's rows: throughput against one project, the finish spread, the sink. */
function projectRows(bench: string, n: number, before: CampaignRun, r: ProjectsRun): Row[] {
  const { spread, after } = r;
  const perS = (messages: number, ms: number) => (messages / ms) * 1000;
  const spreadWall = perS(spread.messages, spread.wallMs);
  const oneWall = perS(before.messages + after.messages, before.wallMs + after.wallMs);
  const oneCpuPerMsg = (before.workerCpuMs + after.workerCpuMs) / (before.messages + after.messages);
  const finish = [...spread.finishMs].sort((x, y) => x - y);
  const first = finish[0]!;
  const last = finish[finish.length - 1]!;
  const median = (finish[(finish.length - 1) >> 1]! + finish[finish.length >> 1]!) / 2;
  const per = fmt.int(n / PROJECTS);
  return [
    {
      bench,
      figure: `${PROJECTS} projects × ${per} subscribers (a VAPID key each; ${PROJECTS} campaigns sent at once) against 1 project × ${fmt.int(n)}: wall throughput`,
      value: `${fmt.int(spreadWall)} msgs/s (worker ${fmt.ms(spread.workerCpuMs / spread.messages)}/msg)`,
      baseline: `1 project, 1 campaign: ${fmt.int(oneWall)} msgs/s (before ${fmt.int(perS(before.messages, before.wallMs))}, after ${fmt.int(perS(after.messages, after.wallMs))}; worker ${fmt.ms(oneCpuPerMsg)}/msg)`,
      ratio: fmt.x(spreadWall / oneWall),
    },
    {
      bench,
      figure: `${PROJECTS} projects: finish spread, slowest project's completion ÷ fastest's, both from the send (1× = all together; one after another ≈ ${PROJECTS}×)`,
      value: `fastest ${fmt.dur(first)}, median ${fmt.dur(median)}, slowest ${fmt.dur(last)}`,
      ratio: fmt.x(last / first),
    },
    {
      bench,
      figure: `sink, ${PROJECTS} projects: delivered exactly once, each endpoint with its own project's VAPID key, none refused`,
      value: `${fmt.int(spread.sink.accepted)} accepted, 0 missed, 0 duplicates, ${spread.sink.jwtsVerified} JWTs verified, ${spread.sink.decrypted} sampled decrypted (and the 1-project run after it: ${fmt.int(after.sink.accepted)})`,
    },
  ];
}
