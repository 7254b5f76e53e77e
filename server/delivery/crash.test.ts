/**
 * A delivery worker process killed with SIGKILL in the middle of a campaign and started again:
 * every subscriber still gets the message, and only requests that were in flight at the kill
 * (claimed, not yet recorded) may be sent twice. PostgreSQL only: separate worker processes
 * cannot share the embedded database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, deliveries, vapidKeys } from '../../db/schema';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { createCampaign, sendCampaignNow } from '../campaigns/mutations';
import { getRuntime, stopRuntime } from '../runtime';
import { subscribe } from '../subscriptions/mutations';
import { updateDeliverySettings } from './settings';

const onPostgres = process.env.TEST_DB === 'postgres';
const root = path.resolve(import.meta.dirname, '../..');
let tdb: TestDatabase;
const server = new PushServiceServer();
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'server/worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: tdb.url,
      WORKER_LEASE_SECONDS: '6',
      QUEUE_MAINTENANCE_SECONDS: '2',
      RECONCILE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.push(child);
  return child;
}

const row = async (id: string) => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, id)))[0]!;
async function until(check: () => Promise<boolean>, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(onPostgres)('a worker killed mid-campaign', () => {
  beforeAll(async () => {
    process.env.WORKER = 'off'; // this test process only enqueues; the worker processes send
    // Every process sharing the queue uses the same lease (short here, to recover quickly).
    process.env.WORKER_LEASE_SECONDS = '6';
    tdb = await openTestDatabase();
    useAsProcessDatabase(tdb);
    await server.start();
    await getRuntime('web');
    await updateDeliverySettings(ctxFor(tdb), { concurrency: 20, batchSize: 50, maxAttempts: 5, retryBaseSeconds: 1, ratePerService: 0 });
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await stopRuntime();
    await server.stop();
    await tdb?.dispose();
  });

  it('finishes with no subscriber missed and duplicates only from the requests in flight', { timeout: 180_000 }, async () => {
    const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const N = 400;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
      server.setBehaviour(s.id, { delayMs: 40 }); // slow enough to kill mid-way
      await subscribe(tdb.db, { subscription: s.subscription, topics: [] });
      ids.push(s.id);
    }
    const c = await createCampaign(ctxFor(tdb), { content: { title: 'Survives a crash' }, audience: 'all' });
    let worker = startWorker();
    await sendCampaignNow(ctxFor(tdb), { id: c.id });

    // Kill it while it holds claimed rows (requests in flight).
    await until(
      async () => (await row(c.id)).sent >= N / 4 && (await tdb.db.select().from(deliveries).where(eq(deliveries.status, 'sending'))).length > 0,
      'a quarter sent with requests in flight',
    );
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    const atKill = await row(c.id);
    const claimed = (await tdb.db.select().from(deliveries).where(eq(deliveries.status, 'sending'))).length;
    expect(atKill.status).toBe('sending');
    expect(atKill.sent).toBeLessThan(N);

    worker = startWorker();
    await until(async () => (await row(c.id)).status === 'completed', 'completion after restart');
    const done = await row(c.id);
    expect(done).toMatchObject({ targeted: N, sent: N, failed: 0, expired: 0 });

    const perSubscriber = ids.map((id) => server.messages(id).length);
    expect(perSubscriber.filter((n) => n === 0)).toHaveLength(0); // nobody missed
    const duplicates = perSubscriber.reduce((a, n) => a + n - 1, 0);
    // Only rows claimed by the killed worker and not yet recorded can be sent again.
    expect(duplicates).toBeLessThanOrEqual(claimed);
    // eslint-disable-next-line no-console -- the figures go into the README's reliability table
    console.info(`crash test: ${N} subscribers, killed at ${atKill.sent} sent with ${claimed} claimed in flight, ${duplicates} duplicate(s)`);
    worker.kill('SIGTERM');
  });
});
