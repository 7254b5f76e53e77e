/**
 * The delivery engine: turns a campaign into delivery rows and delivery rows into pushes.
 *
 *  start   queued/scheduled → sending; enqueues the fan-out.
 *  fanout  walks the audience by keyset on subscription id, `batchSize` at a time: inserts the
 *          batch's delivery rows, advances the checkpoint (fanout_cursor) and enqueues the
 *          batch's job — all in one transaction, so a crash resumes exactly where it stopped.
 *  batch   claims rows of its range (FOR UPDATE SKIP LOCKED → status 'sending', claimed_by,
 *          claimed_at), sends them, and records results with one statement per chunk that also
 *          bumps the campaign counters and the per-minute stats.
 *
 * No double sends: a row is sent only by the worker that claimed it, and a claim is taken over
 * only after its lease expires (a crashed worker), so at most the requests in flight at a crash
 * are repeated. Jobs are idempotent; the reconciler re-drives anything left behind.
 *
 * Its parts: the SQL and its row types in store.ts (DeliveryStore, ClaimOwner), what happens after
 * an attempt in retry-policy.ts, the claimed-row buffer in claim-queue.ts, the transport contract
 * in messenger.ts (PushSender implements it), pacing in gate.ts, job names in queues.ts.
 */
import 'server-only';
import type { Db } from '../../db';
import type { Boss } from '../../lib/queue/boss';
import { isDatabaseUnavailable } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { payloadEncoder, pointerPayload } from '../../lib/push/payload';
import { messageToken, storeCampaignContent } from '../messages/store';
import type { SendResult } from '../../lib/push/sender';
import type { Keyring } from '../vapid/keys';
import type { VapidSigner } from '../../lib/push/vapid';
import { makeRef } from '../receipts/ref';
import { ClaimQueue } from './claim-queue';
import { Semaphore, ServiceGates } from './gate';
import type { Messenger } from './messenger';
import { decide } from './retry-policy';
import { DeliveryStore, newClaimOwner, type CampaignMessage, type ClaimedRow, type ClaimOwner, type ResultRow } from './store';
import { enqueueBatch, enqueueFanout, enqueueStart, leaseSeconds, QUEUES, type BatchJob } from './queues';
import { getDeliverySettings, type DeliverySettings } from './settings';

export interface EngineDeps {
  db: Db;
  boss: Boss;
  sender: Messenger;
  keyring: Keyring;
  workerId: string;
  gates: ServiceGates;
  inflight: Semaphore;
  log: Logger;
  /** Wakes this process's pollers of a queue it just enqueued to (set by the worker). */
  wake?: (queue: string) => void;
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
  deps.wake?.(QUEUES.fanout);
}

/**
 * One fan-out step: the next batch of the audience. The rows, the checkpoint and the batch's job
 * are written in one transaction, so a crash resumes exactly where it stopped.
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
    if (r.picked > 0) await enqueueBatch(deps.boss, { campaignId, from: cursor, to: r.lastId! }, { db: tx });
    return done ? 'done' : 'more';
  });
}

export async function fanout(deps: EngineDeps, campaignId: string): Promise<void> {
  const settings = await getDeliverySettings(deps.db);
  const deadline = Date.now() + (leaseSeconds() * 1000) / 2;
  let batches = 0;
  for (;;) {
    const step = await fanoutStep(deps, campaignId, settings.batchSize);
    deps.wake?.(QUEUES.batch);
    if (step === 'done') break;
    batches++;
    if (Date.now() > deadline) {
      // Hand over to a fresh job rather than outliving the lease.
      await enqueueFanout(deps.boss, campaignId);
      break;
    }
  }
  deps.log.debug('campaign.fanout', { campaignId, batches });
}

/**
 * `store.record`, retried while the database is briefly unreachable (a restart, a failover: the
 * first query on a pooled connection the restart cut fails). Losing a chunk's results would send
 * it again once the claim expires, so it is worth waiting for — but only while the claim is still ours.
 */
async function recordRetrying(
  store: DeliveryStore,
  log: Logger,
  owner: ClaimOwner,
  campaignId: string,
  results: ResultRow[],
  claimedAt: number,
  onUnavailable: (down: boolean) => void = () => {},
): Promise<number> {
  const until = claimedAt + leaseSeconds() * 1000 * 0.9;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.record(owner, campaignId, results);
      } catch (e) {
        const wait = Math.min(4000, 100 * 2 ** attempt);
        if (!isDatabaseUnavailable(e) || Date.now() + wait > until) throw e;
        onUnavailable(true);
        log.warn('campaign.flush-retry', { campaignId, attempt, err: e });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    onUnavailable(false);
  }
}

/** Results written per statement at most, and how often a partial set is written. */
const MAX_FLUSH = 1000;
const FLUSH_EVERY_MS = 200;

/** A claimed row ready to send, with when it was claimed (`claimedAt`, ms). */
type Ready = ClaimedRow & { signer: VapidSigner | undefined; claimedAt: number };

/**
 * Sends one claimed row and decides its outcome (no database access). The claim's age guards the
 * lease: a row still waiting for a request slot when half the lease has passed is handed back
 * (status queued, no attempt) instead of sent, so a slow but live worker never races another
 * worker that takes over its expired claim — only requests already in flight when a worker dies
 * can be repeated.
 */
async function sendOne(deps: EngineDeps, c: Ready, message: CampaignMessage, encode: (ref: string) => Buffer, settings: DeliverySettings): Promise<ResultRow> {
  const base = { subscription_id: c.subscription_id, http_status: null, latency_ms: null, vapid_claim_id: null, next_attempt_at: null };
  if (c.sub_status !== 'active') {
    return { ...base, status: c.sub_status === 'expired' ? 'expired' : 'skipped', reason: `The subscription was ${c.sub_status === 'expired' ? 'already gone' : 'cancelled'} before its turn.`, attempted: false };
  }
  if (!c.signer) return { ...base, status: 'failed', reason: 'The VAPID key this subscription was made with no longer exists.', attempted: false };
  const paused = deps.gates.pausedUntil(c.push_service);
  if (paused) return { ...base, status: 'retrying', reason: 'Push service asked us to slow down (429).', next_attempt_at: new Date(paused).toISOString(), attempted: false };
  await deps.inflight.acquire();
  let result: SendResult;
  try {
    if (!(await deps.gates.pass(c.push_service))) {
      const until = deps.gates.pausedUntil(c.push_service) || Date.now() + 1000;
      return { ...base, status: 'retrying', reason: 'Push service asked us to slow down (429).', next_attempt_at: new Date(until).toISOString(), attempted: false };
    }
    if (Date.now() > c.claimedAt + (leaseSeconds() * 1000) / 2) return { ...base, status: 'queued', reason: null, attempted: false };
    // Each payload carries its own receipt reference, so the service worker can report back.
    const payload = encode(makeRef(message.campaignId, c.subscription_id));
    result = await deps.sender.send(c, { payload, ttl: message.ttl, urgency: message.urgency, topic: message.push_topic ?? undefined }, c.signer);
  } finally {
    deps.inflight.release();
  }
  if (result.outcome === 'rate_limited' && deps.gates.backOff(c.push_service, result.retryAfterMs)) {
    deps.log.warn('push-service.throttling', { service: c.push_service, retryAfterMs: result.retryAfterMs ?? null });
  } else if (result.outcome === 'delivered') deps.gates.succeeded(c.push_service);
  const d = decide(result, c.attempts, settings);
  return {
    ...base,
    ...d,
    http_status: result.status,
    latency_ms: result.latencyMs,
    reason: result.outcome === 'delivered' ? null : (result.reason ?? (result.status ? `HTTP ${result.status}` : 'No answer')),
    vapid_claim_id: result.claim?.id ?? null,
    attempted: true,
  };
}

/**
 * Sends a batch job's range as a pipeline, so neither the database's latency nor a slow push
 * service idles the sender: a claimer keeps claimed rows ready (claiming the next rows while
 * the current ones go out), `concurrency` senders keep requests in flight, and results are
 * recorded in batches (whatever accumulated while the previous write ran, one write at a time),
 * each with the counters and stats in one statement. Rows stay claimed by this run until
 * their result is written, so a crash repeats at most the requests sent and not yet recorded.
 */
export async function runBatch(deps: EngineDeps, job: BatchJob): Promise<void> {
  const store = new DeliveryStore(deps.db);
  const settings = await getDeliverySettings(deps.db);
  deps.inflight.setPermits(settings.concurrency);
  deps.gates.setConfiguredRate(settings.ratePerService);
  const message = await store.message(job.campaignId);
  if (!message || message.status !== 'sending') return;
  const encode = message.message_id
    ? (ref: string) => pointerPayload(message.content, { messageId: message.message_id!, token: messageToken(message.message_id!) }, { ref })
    : payloadEncoder(message.content, 'ref');
  const deadline = Date.now() + (leaseSeconds() * 1000) / 2;
  const claimSize = Math.max(10, Math.min(250, settings.concurrency));
  // Claims belong to this run, not to the process (see ClaimOwner).
  const owner = newClaimOwner(deps.workerId);
  const queue = new ClaimQueue<Ready>();
  let outOfTime = false;
  // A failed claim stops claiming, but what was already sent is still recorded; a failed write
  // (after recordRetrying gave up) stops everything: the rows stay claimed until their lease ends.
  let claimFailure: unknown = null;
  let writeFailure: unknown = null;
  // While results cannot be written (the database is unreachable), nothing more is sent: a push
  // whose result is never recorded goes out again once its claim expires.
  let writesStalled = false;
  let sent = 0;

  // Results: written in the background, one statement at a time, at most MAX_FLUSH rows each.
  const pending: (ResultRow & { claimedAt: number })[] = [];
  let writing: Promise<void> | null = null;
  const write = (): Promise<void> | null => {
    if (writing || !pending.length || writeFailure) return writing;
    const rows = pending.splice(0, MAX_FLUSH);
    writing = recordRetrying(store, deps.log, owner, job.campaignId, rows, Math.min(...rows.map((r) => r.claimedAt)), (down) => (writesStalled = down))
      .then(() => {
        sent += rows.filter((r) => r.status === 'sent').length;
      })
      .catch((e) => {
        writeFailure ??= e;
      })
      .finally(() => {
        writing = null;
        if (pending.length >= claimSize) write();
      });
    return writing;
  };
  const timer = setInterval(write, FLUSH_EVERY_MS);

  const claimer = async () => {
    let cursor: string | null = null;
    let sweep = false; // the pass's last claims: from the range's beginning again
    try {
      for (;;) {
        await queue.waitLow(Math.floor(claimSize / 2));
        if (writeFailure) return;
        if (Date.now() > deadline) {
          outOfTime = true;
          return;
        }
        const claimedAt = Date.now();
        const rows = await store.claim(owner, job, claimSize, sweep ? null : cursor, leaseSeconds());
        if (!rows.length) {
          if (sweep || cursor === null) return;
          sweep = true;
          continue;
        }
        if (!sweep) for (const r of rows) if (cursor === null || r.subscription_id > cursor) cursor = r.subscription_id;
        const signers = await deps.keyring.signers(rows.flatMap((c) => (c.vapid_key_id ? [c.vapid_key_id] : [])));
        queue.push(rows.map((c) => ({ ...c, signer: c.vapid_key_id ? signers.get(c.vapid_key_id) : undefined, claimedAt })));
      }
    } catch (e) {
      claimFailure ??= e;
    } finally {
      queue.close();
    }
  };
  const sender = async () => {
    for (;;) {
      const c = await queue.take();
      if (!c) return;
      // The stalled write is the one in progress: wait for it to get through or give up.
      while (writesStalled && writing) await writing;
      // Results can no longer be recorded: leave the row claimed, unsent; another pass takes it
      // once the claim expires.
      if (writeFailure) continue;
      pending.push({ ...(await sendOne(deps, c, message, encode, settings)), claimedAt: c.claimedAt });
      if (pending.length >= claimSize) write();
    }
  };
  try {
    await Promise.all([claimer(), ...Array.from({ length: settings.concurrency }, sender)]);
  } finally {
    clearInterval(timer);
    // Record everything sent, even when claiming failed (the database went away, say): those
    // pushes went out, and unrecorded they would be sent again once their claims expire.
    while (writing || (pending.length && !writeFailure)) await (writing ?? write());
  }
  if (writeFailure || claimFailure) throw writeFailure ?? claimFailure;

  if (outOfTime) {
    await enqueueBatch(deps.boss, job);
  } else {
    // Rows waiting for a retry: come back when the first one is due.
    const next = await store.nextDueAt(job);
    if (next) await enqueueBatch(deps.boss, job, { startAfter: next });
  }
  if (await store.complete(job.campaignId)) deps.log.info('campaign.completed', { campaignId: job.campaignId });
  deps.log.debug('campaign.batch', { campaignId: job.campaignId, from: job.from, to: job.to, sent, outOfTime });
}

/**
 * Re-enqueues work for unfinished rows in batch-sized ranges (resume after pause, or a batch job
 * lost for good). Ranges may differ from the original ones; claims keep it exactly-once.
 */
export async function rebatch(deps: Pick<EngineDeps, 'db' | 'boss'>, campaignId: string): Promise<number> {
  const store = new DeliveryStore(deps.db);
  const settings = await getDeliverySettings(deps.db);
  let from: string | null = null;
  let jobs = 0;
  for (;;) {
    const ids: string[] = await store.unfinished(campaignId, from, settings.batchSize);
    if (!ids.length) return jobs;
    const to: string = ids[ids.length - 1]!;
    await enqueueBatch(deps.boss, { campaignId, from, to }, { rebatch: true });
    jobs++;
    from = to;
  }
}

/**
 * Keeps every campaign moving: fires overdue schedules, re-drives queued campaigns, unfinished
 * fan-outs and batches without a live job (after a crash), and completes finished campaigns.
 */
export async function reconcile(deps: EngineDeps): Promise<void> {
  const store = new DeliveryStore(deps.db);
  for (const id of await store.overdueCampaigns()) await enqueueStart(deps.boss, id);
  for (const c of await store.sendingCampaigns()) {
    if (!c.fanout_done) {
      await enqueueFanout(deps.boss, c.id);
      continue;
    }
    if (await store.complete(c.id)) continue;
    // A dead worker's claims (older than the lease), or unfinished rows with no job to send them.
    const state = await store.batchHealth(c.id, leaseSeconds());
    if (state.stale || !state.live) {
      const jobs = await rebatch(deps, c.id);
      if (jobs) deps.log.warn('campaign.rebatched', { campaignId: c.id, jobs });
    }
  }
}
