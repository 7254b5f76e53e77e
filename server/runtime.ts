/**
 * Process start-up and shutdown: configuration, database (with migrations), the secret check,
 * the job queue and, unless WORKER=off, the in-process worker. One runtime per process, kept on
 * globalThis so dev hot reloads and the several module graphs Next builds share it.
 */
import 'server-only';
import { closeDatabase, getDatabase, type Database } from '../db';
import { config } from '../lib/env';
import { logger } from '../lib/logger';
import { createBoss, type Boss } from '../lib/queue/boss';
import { JobRunner } from '../lib/queue/runner';
import { ensureJobQueues, JOBS } from './jobs';
import { currentInboxHub } from './inbox/hub';
import { collectExpiredMessages } from './store/messages';
import { pruneWindows } from './rate-limit/window';
import { pruneRevokedSessions, pruneTokenUses } from './auth/revocation';
import { checkSecretFingerprint } from './system/secret-check';
import { ensureActiveVapidKey } from './vapid/mutations';
import { startDeliveryWorker } from './delivery/worker';

export interface Runtime {
  database: Database;
  boss: Boss;
  role: 'web' | 'worker' | 'cli';
  startedAt: Date;
}

const g = globalThis as unknown as {
  __pushdeckRuntime?: Promise<Runtime>;
  __pushdeckStopHooks?: (() => Promise<void>)[];
  __pushdeckShutdown?: () => Promise<void>;
};

export function onRuntimeStop(hook: () => Promise<void>) {
  (g.__pushdeckStopHooks ??= []).push(hook);
}

async function boot(role: Runtime['role']): Promise<Runtime> {
  const cfg = config(); // throws ConfigError listing every bad variable
  const t0 = Date.now();
  const database = await getDatabase();
  await checkSecretFingerprint(database.db);
  if (role !== 'cli') await ensureActiveVapidKey(database.db, cfg.VAPID_SUBJECT);
  const boss = await createBoss(database, { supervise: role !== 'cli', schedule: role !== 'cli' });
  const rt: Runtime = { database, boss, role, startedAt: new Date() };
  await ensureJobQueues(boss);
  if (role !== 'cli') {
    await boss.schedule(JOBS.housekeeping.name, '*/10 * * * *');
    const runner = new JobRunner(boss, logger);
    runner.handle(JOBS.housekeeping, async () => {
      await pruneWindows(database.db);
      await pruneRevokedSessions(database.db);
      await pruneTokenUses(database.db);
      const collected = await collectExpiredMessages(database.db);
      if (collected.messages || collected.store) logger.info('housekeeping.collected', collected);
    });
    onRuntimeStop(() => runner.stop());
  }
  if (role === 'worker' || (role === 'web' && cfg.WORKER === 'in-process')) {
    const worker = await startDeliveryWorker(rt);
    onRuntimeStop(() => worker.stop());
  }
  logger.info('runtime.started', {
    role,
    database: database.kind,
    dataDir: database.kind === 'pglite' ? cfg.PGLITE_DIR : undefined,
    worker: cfg.WORKER,
    ms: Date.now() - t0,
  });
  g.__pushdeckShutdown = () => stopRuntime();
  return rt;
}

export function getRuntime(role: Runtime['role'] = 'web'): Promise<Runtime> {
  g.__pushdeckRuntime ??= boot(role).catch((e) => {
    g.__pushdeckRuntime = undefined;
    throw e;
  });
  return g.__pushdeckRuntime;
}

export async function stopRuntime(): Promise<void> {
  const p = g.__pushdeckRuntime;
  g.__pushdeckRuntime = undefined;
  if (!p) return;
  const rt = await p.catch(() => null);
  for (const hook of (g.__pushdeckStopHooks ?? []).reverse()) {
    await hook().catch((err) => logger.error('runtime.stop-hook-failed', { err }));
  }
  g.__pushdeckStopHooks = [];
  await currentInboxHub()?.stop();
  if (rt) {
    await rt.boss.stop({ graceful: true, timeout: 10_000, close: true }).catch((err) => logger.error('queue.stop-failed', { err }));
  }
  await closeDatabase();
  logger.info('runtime.stopped', {});
}
