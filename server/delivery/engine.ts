/**
 * The delivery engine: turns a campaign into delivery rows; workers turn the rows into pushes.
 *
 *  start      queued/scheduled → sending (campaigns/status.ts); enqueues the fan-out.
 *  fanout     walks the audience by keyset on subscription id, `batchSize` at a time: inserts the
 *             batch's delivery rows and advances the checkpoint (fanout_cursor) in one
 *             transaction, so a crash resumes exactly where it stopped.
 *  sending    not a job: every worker's Dispatcher (dispatcher.ts) claims due rows straight from
 *             `deliveries` (FOR UPDATE SKIP LOCKED → status 'sending', claimed_by, claimed_at),
 *             keeps its claims alive with a heartbeat (lease.ts), sends them through the pipeline
 *             (pipeline.ts) and records results with one statement per chunk that also bumps the
 *             campaign counters and the per-minute stats.
 *  reconcile  fires overdue schedules, re-drives unfinished fan-outs, completes finished campaigns.
 *
 * No double sends: a row is sent only by the run that claimed it, and a claim is taken over only
 * once it is older than the lease, which a live run's heartbeat never lets happen; so at most the
 * requests in flight when a worker dies are repeated. Every step is idempotent.
 *
 * Its parts: the SQL and its row types in store.ts (DeliveryStore, ClaimOwner), what happens after
 * an attempt in retry-policy.ts, the claimed-row buffer in claim-queue.ts, results on their way
 * to the database in result-writer.ts, the transport contract in messenger.ts (PushSender
 * implements it), pacing in gate.ts, the job types in ../jobs.ts.
 */
import 'server-only';
import type { Db } from '../../db';
import type { Boss } from '../../lib/queue/boss';
import type { Logger } from '../../lib/logger';
import { storeCampaignContent } from '../store/messages';
import { enqueueFanout, enqueueStart, FANOUT_SLICE_MS } from '../jobs';
import { DeliveryStore } from './store';
import { getDeliverySettings } from './settings';

export interface EngineDeps {
  db: Db;
  boss: Boss;
  log: Logger;
  /** Tells this process's fan-out poller, or its dispatcher, that there is work (set by the worker). */
  wake?: (what: 'fanout' | 'deliveries') => void;
}

/** queued/scheduled → sending, then the fan-out. A cancelled or rescheduled campaign is left alone. */
export async function startCampaign(deps: EngineDeps, campaignId: string): Promise<void> {
  await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const store = new DeliveryStore(tx);
    const started = await store.beginSending(campaignId);
    if (!started) return;
    if (started.store_content) {
      // Delivered through the server: store the content once; every push carries a pointer.
      await store.setMessage(campaignId, await storeCampaignContent(tx, campaignId, started.content, Number(started.ttl)));
    }
    await store.notifyInbox(started.published_seq);
    await enqueueFanout(deps.boss, campaignId, { db: tx });
    deps.log.info('campaign.started', { campaignId });
  });
  deps.wake?.('fanout');
}

/**
 * One fan-out step: the next batch of the audience. The rows and the checkpoint are written in one
 * transaction, so a crash resumes exactly where it stopped; workers start sending them at once.
 */
async function fanoutStep(deps: EngineDeps, campaignId: string, batchSize: number): Promise<'more' | 'done'> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const store = new DeliveryStore(tx);
    const c = await store.lockFanout(campaignId);
    if (!c || c.status !== 'sending' || c.fanout_done) return 'done';
    const cursor = c.fanout_cursor;
    const r = await store.insertDeliveries(campaignId, c.audience, cursor, batchSize);
    const done = r.picked < batchSize;
    await store.advanceFanout(campaignId, r.lastId, c.targeted + r.inserted, done);
    return done ? 'done' : 'more';
  });
}

export async function fanout(deps: EngineDeps, campaignId: string): Promise<void> {
  const settings = await getDeliverySettings(deps.db);
  const deadline = Date.now() + FANOUT_SLICE_MS;
  let batches = 0;
  for (;;) {
    const step = await fanoutStep(deps, campaignId, settings.batchSize);
    deps.wake?.('deliveries');
    if (step === 'done') break;
    batches++;
    if (Date.now() > deadline) {
      // Hand over to a fresh job rather than outliving this one's expiry.
      await enqueueFanout(deps.boss, campaignId);
      break;
    }
  }
  deps.log.debug('campaign.fanout', { campaignId, batches });
}

/**
 * Keeps every campaign moving: fires overdue schedules, re-drives queued campaigns and unfinished
 * fan-outs (after a crash), and completes finished campaigns. A dead worker's claims need nothing
 * here: once older than the lease they are due, and the next free dispatcher takes them.
 */
export async function reconcile(deps: EngineDeps): Promise<void> {
  const store = new DeliveryStore(deps.db);
  for (const id of await store.overdueCampaigns()) await enqueueStart(deps.boss, id);
  for (const c of await store.sendingCampaigns()) {
    if (!c.fanout_done) await enqueueFanout(deps.boss, c.id);
    else await store.complete(c.id);
  }
}
