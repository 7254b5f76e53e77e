/**
 * Benchmarks 1 and 2: one campaign through the whole engine — pg-boss jobs, keyset fan-out,
 * claimed batches, the sender, batched result writes — with the delivery worker in its own
 * process (server/worker.ts, as `npm run worker` runs it), against two baselines measured in
 * the same run: the naive web-push sender and the node:crypto floor.
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
import { BODY, settle, SUBJECT, TITLE, URL_, type Bench } from './lib/setup';
import type { SinkReport } from './sink';

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

export async function sinkReset(b: Bench): Promise<void> {
  await request(b.sink, { type: 'reset' }, 'reset-done');
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

/**
 * Sends one campaign to `expected` subscribers (ids [0, expected)) and measures it. `onTick`
 * runs every second while it sends (the scale benchmark polls the dashboard there).
 */
export async function runCampaign(
  b: Bench,
  worker: Child,
  o: { name: string; target: Audience; expected: number; log: (s: string) => void; onTick?: (campaignId: string) => Promise<void>; timeoutMs?: number },
): Promise<CampaignRun> {
  const db = (await b.app.runtime()).database.db;
  const ctx = b.app.systemCtx(db);
  const c = await b.app.createCampaign(ctx, { name: o.name, content: CONTENT, options: { ttl: 86_400, urgency: 'normal' }, ...o.target });
  await sinkReset(b);
  await settle(b);
  const meter = new PgCpuMeter(b.sql, b.dbName);
  await meter.start();
  const cpu0 = worker.cpuMs();
  const t0 = performance.now();
  await b.app.sendCampaignNow(ctx, { id: c.id });
  const until = Date.now() + (o.timeoutMs ?? 3_600_000);
  let lastLog = Date.now();
  let lastTick = Date.now();
  for (;;) {
    const [row] = await b.sql<{ status: string; targeted: number; sent: number; failed: number; expired: number; skipped: number }[]>`
      select status, targeted, sent, failed, expired, skipped from campaigns where id = ${c.id}`;
    if (row!.status === 'completed') break;
    if (row!.status !== 'sending' && row!.status !== 'queued') throw new Error(`${o.name}: campaign is ${row!.status}`);
    if (Date.now() > until) throw new Error(`${o.name}: not completed in time (${row!.sent}/${row!.targeted} sent)\n${worker.tail()}`);
    if (worker.proc.exitCode !== null) throw new Error(`${o.name}: the worker exited\n${worker.tail()}`);
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      o.log(`  ${o.name}: ${fmt.int(row!.sent)} / ${fmt.int(o.expected)} sent`);
    }
    if (o.onTick && Date.now() - lastTick >= 1000) {
      lastTick = Date.now();
      await o.onTick(c.id);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const wallMs = performance.now() - t0;
  const workerCpuMs = worker.cpuMs() - cpu0;
  const pgCpuMs = await meter.stop();
  const [done] = await b.sql<{ targeted: number; sent: number }[]>`select targeted, sent from campaigns where id = ${c.id}`;
  if (done!.targeted !== o.expected || done!.sent !== o.expected) {
    throw new Error(`${o.name}: targeted ${done!.targeted}, sent ${done!.sent}, expected ${o.expected}`);
  }
  const sink = await sinkReport(b, 0, o.expected);
  assertExactlyOnce(o.name, sink, o.expected);
  return { id: c.id, messages: o.expected, wallMs, workerCpuMs, pgCpuMs, sink };
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

export async function fanoutBench(
  b: Bench,
  o: { n: number; floorMessages: number; log: (s: string) => void; profile?: string; baselines?: boolean },
): Promise<FanoutResult> {
  const { n, log } = o;
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
  try {
    await warmUp(b, worker, log);
    engine = await runCampaign(b, worker, { name: `fan-out ${fmt.int(n)}`, target: { audience: 'all' }, expected: n, log });
    workerPeakRssMiB = worker.peakRssMiB();
  } finally {
    await worker.stop();
  }
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
  return { engine, workerPeakRssMiB, rows };
}
