/**
 * Delivery worker processes killed with SIGKILL in the middle of a campaign and started again,
 * three times at random moments: every targeted subscriber still gets the message, the campaign
 * completes, and only requests that were in flight at a kill (rows the dead worker had claimed
 * and not yet recorded) may be sent twice.
 *
 * PostgreSQL only: separate worker processes cannot share the embedded database. `npm test`
 * runs 1,500 subscribers; `npm run soak` runs the issue's 20,000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db';
import { campaigns, subscriptions, vapidKeys, DEFAULT_PROJECT_ID } from '../../db/schema';
import { createCampaign, sendCampaignNow } from '../../server/campaigns/mutations';
import { updateDeliverySettings } from '../../server/delivery/settings';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { PushServiceServer } from '../push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';
import { report, runSeed, seededRandom, sized, sleep, until } from './support';

const onPostgres = process.env.TEST_DB === 'postgres';
const root = path.resolve(import.meta.dirname, '../..');
const N = sized(1500, 20_000);
const WORKERS = 2;
const KILLS = 3;
// Short, to recover quickly (the soak runs the default). A live worker's heartbeat renews its
// claims every fifth of it; the push timeout is a quarter of it (the configuration demands under half).
const LEASE_SECONDS = sized(8, 25);
const PUSH_TIMEOUT_SECONDS = String(LEASE_SECONDS / 4);
const seed = runSeed();

let tdb: TestDatabase;
const server = new PushServiceServer();
const children = new Set<ChildProcess>();

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'server/worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: tdb.url,
      WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
      PUSH_TIMEOUT_SECONDS,
      QUEUE_MAINTENANCE_SECONDS: '2',
      RECONCILE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const campaign = async (id: string) => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, id)))[0]!;
/** The push-service ids of subscribers whose delivery rows worker process `pid` has claimed (its id is host:pid:random). */
async function claimedBy(campaignId: string, pid: number): Promise<string[]> {
  const rows = rowsOf<{ endpoint: string }>(
    await tdb.db.execute(sql`
      select s.endpoint from deliveries d join subscriptions s on s.id = d.subscription_id
      where d.campaign_id = ${campaignId} and d.status = 'sending' and d.claimed_by like ${`%:${pid}:%`}`),
  );
  return rows.map((r) => r.endpoint.slice(r.endpoint.lastIndexOf('/') + 1));
}

describe.runIf(onPostgres)('worker processes killed mid-campaign', () => {
  beforeAll(async () => {
    process.env.WORKER = 'off'; // this test process only enqueues; the worker processes send
    process.env.WORKER_LEASE_SECONDS = String(LEASE_SECONDS); // every process sharing the queue uses the same lease
    process.env.PUSH_TIMEOUT_SECONDS = PUSH_TIMEOUT_SECONDS;
    tdb = await openTestDatabase();
    useAsProcessDatabase(tdb);
    await server.start();
    await getRuntime('web');
    await updateDeliverySettings(ctxFor(tdb), { concurrency: 40, batchSize: 200, maxAttempts: 5, retryBaseSeconds: 1, ratePerService: 0 });
  }, 120_000);

  afterAll(async () => {
    for (const w of children) w.kill('SIGKILL');
    await stopRuntime();
    await server.stop();
    await tdb?.dispose();
  });

  it(`finishes with nobody missed and duplicates only from requests in flight (seed ${seed})`, { timeout: sized(300_000, 1_800_000) }, async () => {
    const random = seededRandom(seed);
    const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const testIds: string[] = [];
    for (let i = 0; i < N; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(N, i + 1000); j++) {
        const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
        server.setBehaviour(s.id, { delayMs: 20 }); // slow enough that kills find requests in flight
        testIds.push(s.id);
        rows.push({
          projectId: DEFAULT_PROJECT_ID,
          endpoint: s.subscription.endpoint,
          p256dh: s.subscription.keys.p256dh,
          auth: s.subscription.keys.auth,
          vapidKeyId: key!.id,
          pushService: '127.0.0.1',
        });
      }
      await tdb.db.insert(subscriptions).values(rows);
    }
    const c = await createCampaign(ctxFor(tdb), { content: { title: 'Survives three crashes' }, audience: 'all' });
    const workers = Array.from({ length: WORKERS }, startWorker);
    await sendCampaignNow(ctxFor(tdb), { id: c.id });

    // Three random moments, as fractions of the audience sent; each kills a random worker that holds claims.
    const moments = Array.from({ length: KILLS }, () => 0.1 + random() * 0.75).sort((a, b) => a - b);
    const kills: { atSent: number; inFlight: number; takeoverMs: number }[] = [];
    const takeovers: Promise<unknown>[] = [];
    // Rows the killed worker held, and at how many kills: a row taken over after one kill can be
    // in flight again at the next (late in a campaign the take-overs are all that is left).
    const inFlightAt = new Map<string, number>();
    for (const m of moments) {
      let victim = -1;
      await until(
        async () => {
          if ((await campaign(c.id)).sent < m * N) return false;
          const order = random() < 0.5 ? [0, 1] : [1, 0];
          for (const i of order) if ((await claimedBy(c.id, workers[i]!.pid!)).length > 0) return ((victim = i), true);
          return false;
        },
        `${Math.round(m * 100)} % sent with requests in flight`,
        sized(240_000, 1_500_000),
        50,
      );
      const w = workers[victim]!;
      const exited = new Promise((r) => w.once('exit', r));
      const killedAt = Date.now();
      w.kill('SIGKILL');
      await exited;
      const claimed = await claimedBy(c.id, w.pid!);
      for (const id of claimed) inFlightAt.set(id, (inFlightAt.get(id) ?? 0) + 1);
      const atSent = (await campaign(c.id)).sent;
      expect((await campaign(c.id)).status).toBe('sending');
      workers[victim] = startWorker();
      // The dead worker's claims move on once they are a lease old (a live worker takes them
      // over). Timed in the background: the campaign goes on, and so do the kills.
      const kill = { atSent, inFlight: claimed.length, takeoverMs: NaN };
      kills.push(kill);
      takeovers.push(
        until(async () => (await claimedBy(c.id, w.pid!)).length === 0, 'the dead worker’s claims taken over', sized(120_000, 600_000), 50).then(
          () => (kill.takeoverMs = Date.now() - killedAt),
        ),
      );
      await sleep(200);
    }

    await Promise.all(takeovers);
    await until(async () => (await campaign(c.id)).status === 'completed', 'completion after the restarts', sized(240_000, 1_500_000), 250);
    expect(await campaign(c.id)).toMatchObject({ targeted: N, sent: N, failed: 0, expired: 0, skipped: 0 });

    const perSubscriber = testIds.map((id) => server.messages(id).length);
    expect(perSubscriber.filter((n) => n === 0)).toHaveLength(0); // nobody missed
    const duplicates = perSubscriber.reduce((a, n) => a + n - 1, 0);
    const inFlight = kills.reduce((a, k) => a + k.inFlight, 0);
    // Only rows the killed workers had claimed and not yet recorded can be sent again.
    const duplicated = testIds.filter((_, i) => perSubscriber[i]! > 1);
    expect(
      duplicated.filter((id) => !inFlightAt.has(id)),
      'duplicates outside the killed workers’ claims',
    ).toEqual([]);
    // One extra copy at most per kill that found the row in flight.
    expect(
      testIds.filter((id, i) => perSubscriber[i]! > 1 + (inFlightAt.get(id) ?? 0)),
      'sent more often than the kills that caught it in flight allow',
    ).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    for (const w of workers) w.kill('SIGTERM');
    report('crash', {
      seed,
      subscribers: N,
      workers: WORKERS,
      leaseSeconds: LEASE_SECONDS,
      kills,
      inFlightAtKills: inFlight,
      duplicates,
      maxCopies: Math.max(...perSubscriber),
      delivered: perSubscriber.filter((n) => n > 0).length,
    });
  });
});
