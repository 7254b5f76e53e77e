/**
 * Runs the delivery engine's job handlers in this process: inside the web process on the
 * embedded database (WORKER=in-process), or in `npm run worker` processes on PostgreSQL, as many
 * as you like. Each process has its own connection pools, VAPID cache and pacing.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { isDatabaseUnavailable } from '../../lib/errors';
import { logger } from '../../lib/logger';
import type { Runtime } from '../runtime';
import { processSender } from '../push/deliver';
import { Keyring } from '../vapid/keys';
import { fanout, reconcile, runBatch, startCampaign, type EngineDeps } from './engine';
import { Semaphore, ServiceGates } from './gate';
import { batchJob, ensureDeliveryQueues, fanoutJob, QUEUES, startJob } from './queues';

export interface DeliveryWorker {
  deps: EngineDeps;
  stop(): Promise<void>;
}

export async function startDeliveryWorker(rt: Runtime): Promise<DeliveryWorker> {
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = logger.child({ worker: workerId });
  const deps: EngineDeps = {
    db: rt.database.db,
    boss: rt.boss,
    sender: processSender(),
    keyring: new Keyring(rt.database.db),
    workerId,
    gates: new ServiceGates(0),
    inflight: new Semaphore(100),
    log,
  };
  await ensureDeliveryQueues(rt.boss);
  const poll = { batchSize: 1, pollingIntervalSeconds: 1 };
  // pg-boss sleeps for the rest of the polling interval after every job, found work or not: a
  // poller would then take at most one batch a second. Waking it after each job (and waking the
  // next stage when this process enqueued work for it) keeps it fetching while work remains;
  // it sleeps only once a fetch comes back empty.
  const pollers = new Map<string, string[]>();
  const wake = (queue: string) => {
    for (const id of pollers.get(queue) ?? []) rt.boss.notifyWorker(id);
  };
  deps.wake = wake;
  const work = async (name: string, options: typeof poll, fn: (data: unknown) => Promise<void>) => {
    const id = await rt.boss.work(name, options, async (jobs: { id: string; data: unknown }[]) => {
      for (const job of jobs) {
        try {
          await fn(job.data);
        } catch (err) {
          // The database going away mid-job is expected during restarts: the job is retried.
          if (isDatabaseUnavailable(err)) log.warn('job.database-unavailable', { queue: name, jobId: job.id, err });
          else log.error('job.failed', { queue: name, jobId: job.id, err });
          throw err; // pg-boss retries it
        } finally {
          wake(name);
        }
      }
    });
    pollers.set(name, [...(pollers.get(name) ?? []), id]);
  };
  await work(QUEUES.start, poll, (d) => startCampaign(deps, startJob.parse(d).campaignId));
  await work(QUEUES.fanout, poll, (d) => fanout(deps, fanoutJob.parse(d).campaignId));
  // Two batch pollers: one batch's slowest requests do not idle the whole process.
  for (let i = 0; i < 2; i++) await work(QUEUES.batch, poll, (d) => runBatch(deps, batchJob.parse(d)));
  await work(QUEUES.reconcile, { batchSize: 1, pollingIntervalSeconds: 5 }, () => reconcile(deps));

  // Re-drive anything a previous run left behind, then keep doing so periodically.
  const every = Math.max(2, Number(process.env.RECONCILE_SECONDS ?? 30) || 30) * 1000;
  const tick = () =>
    rt.boss.send(QUEUES.reconcile, {}, { singletonKey: 'reconcile' }).catch((err) => (isDatabaseUnavailable(err) ? log.warn : log.error)('reconcile.enqueue-failed', { err }));
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, every);
  first.unref();
  timer.unref();
  log.info('worker.started', { queues: Object.values(QUEUES) });
  return {
    deps,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      for (const q of Object.values(QUEUES)) await rt.boss.offWork(q).catch(() => {});
    },
  };
}
