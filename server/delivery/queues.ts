/**
 * The delivery engine's durable jobs (pg-boss). Job names are `<domain>.<verb>`.
 *
 * All queues use pg-boss's `stately` policy with a singleton key: at most one queued and one
 * running job per key, so re-enqueueing (a reconciler pass, a retry, a resumed campaign) never
 * piles up duplicates.
 */
import 'server-only';
import { z } from 'zod';
import type { Db } from '../../db';
import { ensureQueue, txExecutor, type Boss } from '../../lib/queue/boss';

export const QUEUES = {
  start: 'campaign.start',
  fanout: 'campaign.fanout',
  batch: 'campaign.send-batch',
  reconcile: 'campaign.reconcile',
} as const;

export const startJob = z.object({ campaignId: z.uuid() });
export const fanoutJob = z.object({ campaignId: z.uuid() });
/** A keyset range of subscription ids: (from, to]; `from` null = from the start. */
export const batchJob = z.object({ campaignId: z.uuid(), from: z.uuid().nullable(), to: z.uuid() });
export type BatchJob = z.infer<typeof batchJob>;

/**
 * Seconds a worker may hold a job (and its claimed deliveries) before others take over. Every
 * process sharing the database must use the same value, and lib/env.ts checks at start that it is
 * more than twice PUSH_TIMEOUT_SECONDS, so that a live worker never loses its claims. Read here
 * directly (not through the cached config) because the reliability tests set it per process.
 */
export function leaseSeconds(): number {
  return Math.max(5, Number(process.env.WORKER_LEASE_SECONDS ?? 120) || 120);
}

export async function ensureDeliveryQueues(boss: Boss): Promise<void> {
  const lease = leaseSeconds();
  const common = { policy: 'stately' as const, expireInSeconds: lease, retryLimit: 10, retryDelay: 2, retryBackoff: true };
  await ensureQueue(boss, QUEUES.start, common);
  await ensureQueue(boss, QUEUES.fanout, common);
  await ensureQueue(boss, QUEUES.batch, common);
  await ensureQueue(boss, QUEUES.reconcile, { policy: 'stately', expireInSeconds: 300, retryLimit: 0 });
}

type SendOpts = { db?: Db; startAfter?: Date };

function options(key: string, o: SendOpts) {
  return { singletonKey: key, ...(o.startAfter ? { startAfter: o.startAfter } : {}), ...(o.db ? { db: txExecutor(o.db) } : {}) };
}

/** Pass `db` (a transaction) to enqueue atomically with the rows that describe the work. */
export function enqueueStart(boss: Boss, campaignId: string, o: SendOpts = {}) {
  return boss.send(QUEUES.start, { campaignId }, options(campaignId, o));
}
export function enqueueFanout(boss: Boss, campaignId: string, o: SendOpts = {}) {
  return boss.send(QUEUES.fanout, { campaignId }, options(campaignId, o));
}
export function enqueueBatch(boss: Boss, job: BatchJob, o: SendOpts & { rebatch?: boolean } = {}) {
  // Re-batched ranges get their own key space: a dead worker's job for an overlapping range may
  // still count as running until it expires, and must not hold the replacement back.
  const key = `${job.campaignId}:${o.rebatch ? 'r:' : ''}${job.from ?? 'start'}`;
  return boss.send(QUEUES.batch, job, options(key, o));
}
