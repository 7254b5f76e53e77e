/**
 * Runs the delivery engine in this process: inside the web process on the embedded database
 * (WORKER=in-process), or in `npm run worker` processes on PostgreSQL, as many as you like. Each
 * process has its own connection pools, VAPID cache and pacing: a JobRunner for the campaign jobs
 * (../jobs.ts) and a Dispatcher that sends whatever deliveries are due.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { config } from '../../lib/env';
import { isDatabaseUnavailable } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { JobRunner } from '../../lib/queue/runner';
import { enqueue, JOBS } from '../jobs';
import { processSender } from '../push/deliver';
import type { Runtime } from '../runtime';
import { Keyring } from '../vapid/keys';
import { Dispatcher } from './dispatcher';
import { fanout, reconcile, startCampaign, type EngineDeps } from './engine';
import { Semaphore, ServiceGates } from './gate';
import { leaseTimes } from './lease';

export interface DeliveryWorker {
  deps: EngineDeps;
  stop(): Promise<void>;
}

export async function startDeliveryWorker(rt: Runtime): Promise<DeliveryWorker> {
  const cfg = config();
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = logger.child({ worker: workerId });
  const db = rt.database.db;
  const keyring = new Keyring(db);
  const dispatcher = new Dispatcher({
    db,
    workerId,
    log,
    pipeline: {
      messenger: processSender(),
      signers: (ids) => keyring.signers(ids),
      gates: new ServiceGates(0),
      inflight: new Semaphore(100),
      log,
      lease: leaseTimes(cfg.WORKER_LEASE_SECONDS),
    },
  });
  const runner = new JobRunner(rt.boss, log);
  const deps: EngineDeps = {
    db,
    boss: rt.boss,
    log,
    wake: (what) => (what === 'fanout' ? runner.wake(JOBS.fanout.name) : dispatcher.wake()),
  };
  runner.handle(JOBS.start, (d) => startCampaign(deps, d.campaignId));
  runner.handle(JOBS.fanout, (d) => fanout(deps, d.campaignId));
  runner.handle(JOBS.reconcile, () => reconcile(deps));
  dispatcher.start();

  // Re-drive anything a previous run left behind, then keep doing so periodically.
  const tick = () =>
    void enqueue(rt.boss, 'reconcile', {}, { singletonKey: 'reconcile' }).catch((err: unknown) =>
      (isDatabaseUnavailable(err) ? log.warn : log.error).call(log, 'reconcile.enqueue-failed', { err }),
    );
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, cfg.RECONCILE_SECONDS * 1000);
  first.unref();
  timer.unref();
  log.info('worker.started', { jobs: [JOBS.start.name, JOBS.fanout.name, JOBS.reconcile.name], leaseSeconds: cfg.WORKER_LEASE_SECONDS });
  return {
    deps,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await Promise.all([runner.stop(), dispatcher.stop()]);
    },
  };
}
