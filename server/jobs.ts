/**
 * Every durable job Pushdeck runs through pg-boss, in one typed registry: its queue name
 * (`<domain>.<verb>`), the shape of its data and its queue options. Delivering a campaign's
 * pushes is not a job: workers claim due `deliveries` rows directly (delivery/dispatcher.ts).
 *
 * The campaign queues use pg-boss's `stately` policy with a singleton key: at most one queued
 * and one running job per campaign, so re-enqueueing (a reconciler pass, a retry, a resumed
 * campaign) never piles up duplicates.
 */
import 'server-only';
import { z } from 'zod';
import type { Db } from '../db';
import { ensureQueue, txExecutor, type Boss } from '../lib/queue/boss';
import type { JobType } from '../lib/queue/runner';

const campaignJob = z.object({ campaignId: z.uuid() });
const campaignQueue = { policy: 'stately' as const, expireInSeconds: 30, retryLimit: 10, retryDelay: 2, retryBackoff: true };

export const JOBS = {
  /** queued/scheduled → sending, then the fan-out (delivery/engine.ts startCampaign). */
  start: { name: 'campaign.start', data: campaignJob, queue: campaignQueue, pollSeconds: 1 },
  /** The audience into delivery rows, a batch per transaction (engine.ts fanout). */
  fanout: { name: 'campaign.fanout', data: campaignJob, queue: campaignQueue, pollSeconds: 1 },
  /** Keeps every campaign moving after a crash; enqueued every RECONCILE_SECONDS (engine.ts reconcile). */
  reconcile: { name: 'campaign.reconcile', data: z.object({}), queue: { policy: 'stately', expireInSeconds: 300, retryLimit: 0 }, pollSeconds: 5 },
  /** Prunes rate-limit windows, revocations and expired stored messages; its data is ignored (pg-boss's scheduler sends none). */
  housekeeping: { name: 'system.housekeeping', data: z.unknown(), queue: { expireInSeconds: 300, retryLimit: 1 }, pollSeconds: 30 },
} as const satisfies Record<string, JobType>;

export type JobKey = keyof typeof JOBS;
export type JobData<K extends JobKey> = z.infer<(typeof JOBS)[K]['data']>;

/** A fan-out job hands over to a fresh one after this long, well inside its queue's expiry. */
export const FANOUT_SLICE_MS = (JOBS.fanout.queue.expireInSeconds * 1000) / 2;

export async function ensureJobQueues(boss: Boss): Promise<void> {
  for (const job of Object.values(JOBS)) await ensureQueue(boss, job.name, job.queue);
}

export interface EnqueueOptions {
  /** A transaction: the job exists if and only if it commits (with the rows describing the work). */
  db?: Db;
  startAfter?: Date;
  singletonKey?: string;
}

export function enqueue<K extends JobKey>(boss: Boss, key: K, data: JobData<K>, o: EnqueueOptions = {}) {
  const job = JOBS[key];
  return boss.send(job.name, job.data.parse(data) as object, {
    ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
    ...(o.startAfter ? { startAfter: o.startAfter } : {}),
    ...(o.db ? { db: txExecutor(o.db) } : {}),
  });
}

/** Pass `db` (a transaction) to enqueue atomically with the rows that describe the work. */
export const enqueueStart = (boss: Boss, campaignId: string, o: Omit<EnqueueOptions, 'singletonKey'> = {}) =>
  enqueue(boss, 'start', { campaignId }, { ...o, singletonKey: campaignId });
export const enqueueFanout = (boss: Boss, campaignId: string, o: Omit<EnqueueOptions, 'singletonKey'> = {}) =>
  enqueue(boss, 'fanout', { campaignId }, { ...o, singletonKey: campaignId });
