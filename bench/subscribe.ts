/**
 * Benchmark 4: the public subscribe endpoint under load, on the production server and
 * PostgreSQL (with the scale benchmark's million subscribers in the table when it ran first).
 * Every request subscribes a new browser: a unique push endpoint, a real P-256 key (the endpoint
 * validates that it is a point on the curve), one topic, the VAPID key the browser used (as the
 * public page sends it). PUBLIC_API_RATE_PER_MINUTE is raised
 * for the run (all load comes from one address).
 *
 * Three autocannon runs of `seconds` each, `connections` keep-alive connections:
 *  - baseline: GET /api/health/lb, the cheapest route (what Next.js and the server cost);
 *  - as fast as it goes: throughput and its latency;
 *  - at a fixed 1,000 requests/s: the target's load, and its p99.
 * Afterwards every 201 must match one new row, and nothing else may have been answered.
 */
import { createRequire } from 'node:module';
import { PgCpuMeter } from './lib/procstat';
import type { AppServer } from './lib/app-server';
import { fmt, type Row } from './lib/report';
import { settle, type Bench } from './lib/setup';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; p97_5: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  duration: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests?: AutocannonRequest[];
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export const PUBLIC_RATE_FOR_BENCH = '100000000';

export async function subscribeBench(
  b: Bench,
  app: AppServer,
  o: { seconds: number; connections: number; rate: number; log: (s: string) => void },
): Promise<Row[]> {
  const run = `r${Date.now().toString(36)}`;
  let i = 0;
  const keys = b.pool;
  const subscribeRequest: AutocannonRequest = {
    method: 'POST',
    path: '/api/push/subscriptions',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      const k = keys[i % keys.length]!;
      const body = JSON.stringify({
        subscription: {
          endpoint: `https://fcm.googleapis.com/fcm/send/bench-${run}-${i++}`,
          expirationTime: null,
          keys: { p256dh: k.publicKey, auth: k.auth },
        },
        topics: ['news'],
        vapidPublicKey: b.vapid.publicKey, // as the public page and the service worker send it
      });
      return { ...req, body };
    },
  };
  const measure = async (label: string, opts: Parameters<Autocannon>[0]) => {
    o.log(`subscribe: ${label}`);
    await settle(b);
    const meter = new PgCpuMeter(b.sql, b.dbName);
    await meter.start();
    const cpu0 = app.child.cpuMs();
    const r = await autocannon(opts);
    const appCpuMs = app.child.cpuMs() - cpu0;
    const pgCpuMs = await meter.stop();
    return { r, appCpuMs, pgCpuMs };
  };
  const base = await measure('baseline GET /api/health/lb', { url: `${app.origin}/api/health/lb`, connections: o.connections, duration: o.seconds });
  const before = (
    await b.sql<{ n: number }[]>`select count(*)::int as n from subscriptions where endpoint like ${`https://fcm.googleapis.com/fcm/send/bench-${run}-%`}`
  )[0]!.n;
  const max = await measure(`POST /api/push/subscriptions, ${o.connections} connections, unthrottled`, {
    url: app.origin,
    connections: o.connections,
    duration: o.seconds,
    requests: [subscribeRequest],
  });
  const fixed = await measure(`POST /api/push/subscriptions at ${o.rate} req/s`, {
    url: app.origin,
    connections: o.connections,
    duration: o.seconds,
    overallRate: o.rate,
    requests: [subscribeRequest],
  });
  const created =
    (await b.sql<{ n: number }[]>`select count(*)::int as n from subscriptions where endpoint like ${`https://fcm.googleapis.com/fcm/send/bench-${run}-%`}`)[0]!
      .n - before;
  for (const [label, m] of [
    ['baseline', base],
    ['unthrottled', max],
    ['fixed rate', fixed],
  ] as const) {
    if (m.r.non2xx || m.r.errors || m.r.timeouts) throw new Error(`subscribe ${label}: ${m.r.non2xx} non-2xx, ${m.r.errors} errors, ${m.r.timeouts} timeouts`);
  }
  // autocannon stops counting at the deadline: requests in flight then (at most one per
  // connection and run) may have created their row without being counted.
  const answered = max.r['2xx'] + fixed.r['2xx'];
  if (created < answered || created > answered + 2 * o.connections) {
    throw new Error(`subscribe: ${answered} requests answered 2xx but ${created} subscriptions were created`);
  }

  const bench = '4. public subscribe API';
  const reqs = (m: typeof max) => m.r.requests.total;
  return [
    {
      bench,
      figure: `throughput, ${o.connections} connections, unthrottled (p99 at that load)`,
      value: `${fmt.int(max.r.requests.average)} req/s (p99 ${fmt.ms(max.r.latency.p99)}, p50 ${fmt.ms(max.r.latency.p50)})`,
      baseline: `GET /api/health/lb ${fmt.int(base.r.requests.average)} req/s`,
      ratio: fmt.x(max.r.requests.average / base.r.requests.average),
      target: '≥ 1,000 req/s',
      ok: max.r.requests.average >= 1000,
    },
    {
      bench,
      figure: `latency at ${fmt.int(o.rate)} req/s offered`,
      value: `p99 ${fmt.ms(fixed.r.latency.p99)} (p50 ${fmt.ms(fixed.r.latency.p50)}, max ${fmt.ms(fixed.r.latency.max)}), ${fmt.int(fixed.r.requests.average)} req/s served`,
      baseline: `health/lb p99 ${fmt.ms(base.r.latency.p99)}`,
      target: `p99 < 100 ms at ≥ ${fmt.int(o.rate)} req/s`,
      ok: fixed.r.latency.p99 < 100 && fixed.r.requests.average >= o.rate * 0.98,
    },
    {
      bench,
      figure: 'CPU per subscription: app, PostgreSQL',
      value: `${fmt.ms(max.appCpuMs / reqs(max))}, ${fmt.ms(max.pgCpuMs / reqs(max))}`,
      baseline: `health/lb: app ${fmt.ms(base.appCpuMs / reqs(base))}`,
    },
    { bench, figure: 'every 201 is one new subscription; nothing refused', value: `${fmt.int(created)} created` },
  ];
}
