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
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { rowsOf } from '../../db';
import { pgArrayLiteral } from '../../db/arrays';
import type { Boss } from '../../lib/queue/boss';
import { isDatabaseUnavailable } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { payloadEncoder, pointerPayload, type NotificationContent } from '../../lib/push/payload';
import { messageToken, storeCampaignContent } from '../messages/store';
import { INBOX_CHANNEL } from '../inbox/channel';
import type { PushSender, SendResult, Urgency } from '../../lib/push/sender';
import type { Keyring } from '../vapid/keys';
import type { VapidSigner } from '../../lib/push/vapid';
import { makeRef } from '../receipts/ref';
import { audienceCondition, type Audience } from './audience';
import { Semaphore, ServiceGates } from './gate';
import { enqueueBatch, enqueueFanout, enqueueStart, leaseSeconds, QUEUES, type BatchJob } from './queues';
import { getDeliverySettings, type DeliverySettings } from './settings';

export interface EngineDeps {
  db: Db;
  boss: Boss;
  sender: PushSender;
  keyring: Keyring;
  workerId: string;
  gates: ServiceGates;
  inflight: Semaphore;
  log: Logger;
  /** Wakes this process's pollers of a queue it just enqueued to (set by the worker). */
  wake?: (queue: string) => void;
}

type DeliveryOutcome = 'queued' | 'sent' | 'retrying' | 'failed' | 'expired' | 'skipped';

interface Claimed {
  subscription_id: string;
  attempts: number;
  push_service: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  vapid_key_id: string | null;
  sub_status: string;
}

interface ResultRow {
  subscription_id: string;
  status: DeliveryOutcome;
  http_status: number | null;
  latency_ms: number | null;
  reason: string | null;
  vapid_claim_id: number | null;
  next_attempt_at: string | null;
  attempted: boolean;
}

/** Exponential backoff with jitter: base·2^(n−1), scaled by a random factor in [0.5, 1). */
export function backoffMs(attempt: number, baseSeconds: number, random = Math.random): number {
  return Math.round(baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1) * (0.5 + random() * 0.5));
}

/** queued/scheduled → sending, then the fan-out. A cancelled or rescheduled campaign is left alone. */
export async function startCampaign(deps: EngineDeps, campaignId: string): Promise<void> {
  await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [started] = rowsOf<{ id: string; store_content: boolean; content: unknown; ttl: number; published_seq: number | string }>(
      await tx.execute(sql`
        update campaigns set status = 'sending', started_at = coalesce(started_at, now()), updated_at = now(),
          published_seq = coalesce(published_seq, nextval('inbox_seq'))
        where id = ${campaignId} and status in ('queued', 'scheduled')
          and (scheduled_at is null or scheduled_at <= now() + interval '2 seconds')
        returning id, store_content, content, ttl, published_seq`),
    );
    if (!started) return;
    if (started.store_content) {
      // Delivered through the server: store the content once; every push carries a pointer.
      const messageId = await storeCampaignContent(tx, campaignId, started.content, Number(started.ttl));
      await tx.execute(sql`update campaigns set message_id = ${messageId} where id = ${campaignId}`);
    }
    // Wakes long-polling inbox readers in every process (delivered at commit).
    await tx.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${String(started.published_seq)})`);
    await enqueueFanout(deps.boss, campaignId, { db: tx });
    deps.log.info('campaign.started', { campaignId });
  });
  deps.wake?.(QUEUES.fanout);
}

/** One fan-out step: the next batch of the audience. Returns whether more remain. */
async function fanoutStep(deps: EngineDeps, campaignId: string, batchSize: number): Promise<'more' | 'done'> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [c] = rowsOf<{
      status: string;
      fanout_done: boolean;
      fanout_cursor: string | null;
      audience: Audience['audience'];
      topic_ids: string[] | string;
      exclude_topic_ids: string[] | string;
      targeted: number;
    }>(await tx.execute(sql`select status, fanout_done, fanout_cursor, audience, topic_ids, exclude_topic_ids, targeted from campaigns where id = ${campaignId} for update`));
    if (!c || c.status !== 'sending' || c.fanout_done) return 'done';
    const audience: Audience = { audience: c.audience, topicIds: pgArray(c.topic_ids), excludeTopicIds: pgArray(c.exclude_topic_ids) };
    const cursor = c.fanout_cursor;
    const [r] = rowsOf<{ last_id: string | null; picked: number; inserted: number }>(
      await tx.execute(sql`
        with picked as (
          select s.id, s.push_service from subscriptions s
          where ${audienceCondition(audience)} ${cursor ? sql`and s.id > ${cursor}` : sql``}
          order by s.id
          limit ${batchSize}
        ), ins as (
          insert into deliveries (campaign_id, subscription_id, status, push_service)
          select ${campaignId}, p.id, 'queued', p.push_service from picked p
          on conflict do nothing
          returning 1
        )
        select (select id from picked order by id desc limit 1) as last_id,
               (select count(*) from picked)::int as picked,
               (select count(*) from ins)::int as inserted`),
    );
    const picked = Number(r!.picked);
    const done = picked < batchSize;
    const targeted = Number(c.targeted) + Number(r!.inserted);
    await tx.execute(sql`
      update campaigns set
        fanout_cursor = coalesce(${r!.last_id}::uuid, fanout_cursor),
        targeted = ${targeted},
        fanout_done = ${done},
        status = case when ${done} and ${targeted} = 0 then 'completed'::campaign_status else status end,
        completed_at = case when ${done} and ${targeted} = 0 then now() else completed_at end,
        updated_at = now()
      where id = ${campaignId}`);
    if (picked > 0) await enqueueBatch(deps.boss, { campaignId, from: cursor, to: r!.last_id! }, { db: tx });
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
 * Claims up to `limit` due rows of the range for this worker, in id order. `after` (the last id
 * this pass claimed) lets a pass walk its range once instead of re-reading the rows it already
 * finished on every claim; rows it stepped over (locked by another claimer at that instant)
 * are found by the pass's last claim, which starts from the range's beginning again.
 */
async function claim(deps: EngineDeps, job: BatchJob, limit: number, after: string | null): Promise<Claimed[]> {
  const lease = leaseSeconds();
  const lower = after ?? job.from;
  return rowsOf<Claimed>(
    await deps.db.execute(sql`
      with picked as materialized (
        select d.campaign_id, d.subscription_id from deliveries d
        where d.campaign_id = ${job.campaignId}
          ${lower ? sql`and d.subscription_id > ${lower}` : sql``}
          and d.subscription_id <= ${job.to}
          and (d.status = 'queued'
               or (d.status = 'retrying' and d.next_attempt_at <= now())
               or (d.status = 'sending' and d.claimed_at < now() - make_interval(secs => ${lease})))
          and exists (select 1 from campaigns c where c.id = ${job.campaignId} and c.status = 'sending')
        order by d.subscription_id
        limit ${limit}
        for update of d skip locked
      ), claimed as (
        update deliveries d set status = 'sending', claimed_by = ${deps.workerId}, claimed_at = now(), updated_at = now()
        from picked p
        where d.campaign_id = p.campaign_id and d.subscription_id = p.subscription_id
        returning d.subscription_id, d.attempts, d.push_service
      )
      select c.subscription_id, c.attempts, c.push_service, s.endpoint, s.p256dh, s.auth, s.vapid_key_id, s.status as sub_status
      from claimed c join subscriptions s on s.id = c.subscription_id`),
  );
}

/**
 * Records a chunk's results, the campaign counters and the per-minute stats in one statement.
 *
 * Rows are found by their full key, (campaign, subscription) from `v`, never by "the
 * campaign's rows": statistics gathered before a campaign started say it has none, and a
 * planner believing that scans every row of the campaign for each chunk (quadratic over a
 * campaign of millions). `v` and the claim's `picked` are MATERIALIZED so that the campaign id
 * inside them is not folded back into such a scan.
 */
async function flush(deps: EngineDeps, campaignId: string, results: ResultRow[]): Promise<number> {
  if (!results.length) return 0;
  const col = <K extends keyof ResultRow>(k: K) => results.map((r) => r[k]);
  const [r] = rowsOf<{ updated: number }>(
    await deps.db.execute(sql`
      with v as materialized (
        select ${campaignId}::uuid as campaign_id, * from unnest(
          ${pgArrayLiteral(col('subscription_id'))}::uuid[], ${pgArrayLiteral(col('status'))}::delivery_status[],
          ${pgArrayLiteral(col('http_status'))}::int[], ${pgArrayLiteral(col('latency_ms'))}::int[], ${pgArrayLiteral(col('reason'), true)}::text[],
          ${pgArrayLiteral(col('vapid_claim_id'))}::bigint[], ${pgArrayLiteral(col('next_attempt_at'), true)}::timestamptz[],
          ${pgArrayLiteral(col('attempted'))}::boolean[]
        ) as v(subscription_id, status, http_status, latency_ms, reason, vapid_claim_id, next_attempt_at, attempted)
      ), upd as (
        update deliveries d set
          status = v.status,
          attempts = d.attempts + case when v.attempted then 1 else 0 end,
          http_status = coalesce(v.http_status, case when v.attempted then null else d.http_status end),
          latency_ms = coalesce(v.latency_ms, d.latency_ms),
          reason = v.reason,
          vapid_claim_id = coalesce(v.vapid_claim_id, d.vapid_claim_id),
          next_attempt_at = v.next_attempt_at,
          sent_at = case when v.status = 'sent' then now() else d.sent_at end,
          claimed_by = null, claimed_at = null, updated_at = now()
        from v
        where d.campaign_id = v.campaign_id and d.subscription_id = v.subscription_id
          and d.status = 'sending' and d.claimed_by = ${deps.workerId}
        returning d.subscription_id, d.status, d.push_service, d.latency_ms
      ), counters as (
        update campaigns set
          sent = sent + (select count(*) from upd where status = 'sent'),
          failed = failed + (select count(*) from upd where status = 'failed'),
          expired = expired + (select count(*) from upd where status = 'expired'),
          skipped = skipped + (select count(*) from upd where status = 'skipped'),
          updated_at = now()
        where id = ${campaignId} and exists (select 1 from upd)
        returning 1
      ), stats as (
        insert into campaign_stats (campaign_id, bucket, push_service, outcome, count, latency_sum_ms)
        select ${campaignId}, date_trunc('minute', now()), push_service, status::text, count(*), coalesce(sum(latency_ms), 0)
        from upd where status in ('sent', 'failed', 'expired', 'retrying')
        group by push_service, status
        on conflict (campaign_id, bucket, push_service, outcome)
        do update set count = campaign_stats.count + excluded.count, latency_sum_ms = campaign_stats.latency_sum_ms + excluded.latency_sum_ms
        returning 1
      ), gone as (
        update subscriptions s set status = 'expired', ended_at = now(), updated_at = now()
        from upd where s.id = upd.subscription_id and upd.status = 'expired' and s.status = 'active'
        returning 1
      )
      select (select count(*) from upd)::int as updated,
             (select count(*) from counters)::int + (select count(*) from stats)::int + (select count(*) from gone)::int as side`),
  );
  return Number(r?.updated ?? 0);
}

/**
 * `flush`, retried while the database is briefly unreachable (a restart, a failover: the first
 * query on a pooled connection the restart cut fails). Losing a chunk's results would send it again
 * once the claim expires, so it is worth waiting for — but only while the claim is still ours.
 */
async function flushRetrying(
  deps: EngineDeps,
  campaignId: string,
  results: ResultRow[],
  claimedAt: number,
  onUnavailable: (down: boolean) => void = () => {},
): Promise<number> {
  const until = claimedAt + leaseSeconds() * 1000 * 0.9;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await flush(deps, campaignId, results);
      } catch (e) {
        const wait = Math.min(4000, 100 * 2 ** attempt);
        if (!isDatabaseUnavailable(e) || Date.now() + wait > until) throw e;
        onUnavailable(true);
        deps.log.warn('campaign.flush-retry', { campaignId, attempt, err: e });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    onUnavailable(false);
  }
}

function decide(result: SendResult, attempts: number, settings: DeliverySettings): Pick<ResultRow, 'status' | 'next_attempt_at'> {
  const attemptNo = attempts + 1;
  const retryAt = (ms: number) => ({ status: 'retrying' as const, next_attempt_at: new Date(Date.now() + ms).toISOString() });
  switch (result.outcome) {
    case 'delivered':
      return { status: 'sent', next_attempt_at: null };
    case 'gone':
      return { status: 'expired', next_attempt_at: null };
    case 'too_large':
    case 'rejected':
      return { status: 'failed', next_attempt_at: null };
    case 'rate_limited':
      if (attemptNo >= settings.maxAttempts) return { status: 'failed', next_attempt_at: null };
      // Retry-After is honoured exactly: not before it, and not needlessly later.
      return retryAt(result.retryAfterMs ?? backoffMs(attemptNo, settings.retryBaseSeconds));
    case 'retry':
      if (attemptNo >= settings.maxAttempts) return { status: 'failed', next_attempt_at: null };
      return retryAt(Math.max(result.retryAfterMs ?? 0, backoffMs(attemptNo, settings.retryBaseSeconds)));
  }
}

/** Results written per statement at most, and how often a partial set is written. */
const MAX_FLUSH = 1000;
const FLUSH_EVERY_MS = 200;

interface CampaignMessage {
  campaignId: string;
  status: string;
  content: NotificationContent;
  ttl: number;
  urgency: Urgency;
  push_topic: string | null;
  /** Set when the content is delivered through the server (the push carries a pointer). */
  message_id: string | null;
}

/** A claimed row ready to send, with when it was claimed (`claimedAt`, ms). */
type Ready = Claimed & { signer: VapidSigner | undefined; claimedAt: number };

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

/** Claimed rows waiting to be sent: the claimer tops it up, senders take from it. */
class ClaimQueue<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private takers: ((v: T | undefined) => void)[] = [];
  private lowWaiters: (() => void)[] = [];

  get length() {
    return this.items.length - this.head;
  }

  push(items: T[]) {
    for (const item of items) {
      const taker = this.takers.shift();
      if (taker) taker(item);
      else this.items.push(item);
    }
  }

  /** The next row, or undefined once closed and empty. */
  take(): Promise<T | undefined> {
    if (this.length > 0) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.wakeLow();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    this.wakeLow();
    return new Promise((resolve) => this.takers.push(resolve));
  }

  private low = 0;
  private wakeLow() {
    if (this.length <= this.low) for (const w of this.lowWaiters.splice(0)) w();
  }

  /** Resolves once at most `n` rows are waiting. */
  waitLow(n: number): Promise<void> {
    this.low = n;
    if (this.length <= n) return Promise.resolve();
    return new Promise((resolve) => this.lowWaiters.push(resolve));
  }

  close() {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}

/** Completes the campaign once every targeted delivery has a final outcome. */
export async function maybeComplete(db: Db, campaignId: string): Promise<boolean> {
  const done = rowsOf(
    await db.execute(sql`
      update campaigns set status = 'completed', completed_at = now(), updated_at = now()
      where id = ${campaignId} and status = 'sending' and fanout_done and targeted = sent + failed + expired + skipped
      returning id`),
  );
  return done.length > 0;
}

/**
 * Sends a batch job's range as a pipeline, so neither the database's latency nor a slow push
 * service idles the sender: a claimer keeps claimed rows ready (claiming the next rows while
 * the current ones go out), `concurrency` senders keep requests in flight, and results are
 * recorded in batches (whatever accumulated while the previous write ran, one write at a time),
 * each with the counters and stats in one statement. Rows stay claimed by this worker until
 * their result is written, so a crash repeats at most the requests sent and not yet recorded.
 */
export async function runBatch(deps: EngineDeps, job: BatchJob): Promise<void> {
  const settings = await getDeliverySettings(deps.db);
  deps.inflight.setPermits(settings.concurrency);
  deps.gates.setConfiguredRate(settings.ratePerService);
  const [row] = rowsOf<Omit<CampaignMessage, 'campaignId'>>(
    await deps.db.execute(sql`select status, content, ttl, urgency, push_topic, message_id from campaigns where id = ${job.campaignId}`),
  );
  if (!row || row.status !== 'sending') return;
  const message: CampaignMessage = { ...row, campaignId: job.campaignId };
  const encode = message.message_id
    ? (ref: string) => pointerPayload(message.content, { messageId: message.message_id!, token: messageToken(message.message_id!) }, { ref })
    : payloadEncoder(message.content, 'ref');
  const deadline = Date.now() + (leaseSeconds() * 1000) / 2;
  const claimSize = Math.max(10, Math.min(250, settings.concurrency));
  // Claims belong to this run, not to the process: a process can run two batches over the same
  // rows (a job retried after its expiry while the first run still drains), and one run must
  // never record results for — or hand back — rows the other has since claimed and sent.
  const run: EngineDeps = { ...deps, workerId: `${deps.workerId}/${randomUUID().slice(0, 8)}` };
  const queue = new ClaimQueue<Ready>();
  let outOfTime = false;
  // A failed claim stops claiming, but what was already sent is still recorded; a failed write
  // (after flushRetrying gave up) stops everything: the rows stay claimed until their lease ends.
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
    writing = flushRetrying(run, job.campaignId, rows, Math.min(...rows.map((r) => r.claimedAt)), (down) => (writesStalled = down))
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
        const rows = await claim(run, job, claimSize, sweep ? null : cursor);
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
    const [next] = rowsOf<{ at: string | Date | null }>(
      await deps.db.execute(sql`
        select min(next_attempt_at) as at from deliveries
        where campaign_id = ${job.campaignId} ${job.from ? sql`and subscription_id > ${job.from}` : sql``} and subscription_id <= ${job.to}
          and status in ('retrying', 'queued', 'sending')`),
    );
    if (next?.at) await enqueueBatch(deps.boss, job, { startAfter: new Date(next.at) });
  }
  if (await maybeComplete(deps.db, job.campaignId)) deps.log.info('campaign.completed', { campaignId: job.campaignId });
  deps.log.debug('campaign.batch', { campaignId: job.campaignId, from: job.from, to: job.to, sent, outOfTime });
}

/**
 * Re-enqueues work for unfinished rows in batch-sized ranges (resume after pause, or a batch job
 * lost for good). Ranges may differ from the original ones; claims keep it exactly-once.
 */
export async function rebatch(deps: Pick<EngineDeps, 'db' | 'boss'>, campaignId: string): Promise<number> {
  const settings = await getDeliverySettings(deps.db);
  let from: string | null = null;
  let jobs = 0;
  for (;;) {
    const rows: { subscription_id: string }[] = rowsOf<{ subscription_id: string }>(
      await deps.db.execute(sql`
        select subscription_id from deliveries
        where campaign_id = ${campaignId} and status in ('queued', 'retrying', 'sending')
          ${from ? sql`and subscription_id > ${from}` : sql``}
        order by subscription_id limit ${settings.batchSize}`),
    );
    if (!rows.length) return jobs;
    const to: string = rows[rows.length - 1]!.subscription_id;
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
  const overdue = rowsOf<{ id: string }>(
    await deps.db.execute(sql`
      select id from campaigns
      where (status = 'scheduled' and scheduled_at <= now())
         or (status = 'queued' and updated_at < now() - interval '10 seconds')
      limit 100`),
  );
  for (const c of overdue) await enqueueStart(deps.boss, c.id);

  const sending = rowsOf<{ id: string; fanout_done: boolean }>(await deps.db.execute(sql`select id, fanout_done from campaigns where status = 'sending' limit 200`));
  for (const c of sending) {
    if (!c.fanout_done) {
      await enqueueFanout(deps.boss, c.id);
      continue;
    }
    if (await maybeComplete(deps.db, c.id)) continue;
    // A dead worker's claims (older than the lease), or unfinished rows with no job to send them.
    const [state] = rowsOf<{ stale: boolean; live: boolean }>(
      await deps.db.execute(sql`
        select
          exists (select 1 from deliveries where campaign_id = ${c.id} and status = 'sending'
                  and claimed_at < now() - make_interval(secs => ${leaseSeconds()})) as stale,
          exists (select 1 from pgboss.job where name = 'campaign.send-batch' and state < 'completed'
                  and data->>'campaignId' = ${c.id}) as live`),
    );
    if (state?.stale || !state?.live) {
      const jobs = await rebatch(deps, c.id);
      if (jobs) deps.log.warn('campaign.rebatched', { campaignId: c.id, jobs });
    }
  }
}

function pgArray(v: string[] | string | null): string[] {
  if (Array.isArray(v)) return v;
  if (!v) return [];
  return v.replace(/^{|}$/g, '').split(',').filter(Boolean);
}
