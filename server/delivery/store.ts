/**
 * The delivery engine's SQL, as named methods, with the row types it reads and writes. The engine
 * (engine.ts) decides what to do; this is how it is stored. Every method runs on the `db` it was
 * made with: `new DeliveryStore(tx)` inside a transaction.
 *
 * Claims: a worker takes a campaign's due rows with FOR UPDATE SKIP LOCKED (status 'sending',
 * claimed_by, claimed_at), renews claimed_at while it works (lease.ts), and only the claim's owner
 * records their results; a claim older than the lease belongs to a worker presumed dead and may be
 * taken over.
 */
import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { rowsOf } from '../../db';
import { pgArrayLiteral, pgArrayValues } from '../../db/arrays';
import { INBOX_CHANNEL } from '../inbox/channel';
import { audienceCondition, type Audience } from './audience';
import { statusAllows, targetSql } from '../campaigns/status';
import type { CampaignMessage, ClaimedRow, ClaimOwner, FanoutState, ResultRow } from './rows';

/** A delivery row (alias d) that may be claimed now. */
function due(leaseSeconds: number) {
  return sql`(d.status = 'queued'
    or (d.status = 'retrying' and d.next_attempt_at <= now())
    or (d.status = 'sending' and d.claimed_at < now() - make_interval(secs => ${leaseSeconds})))`;
}

export class DeliveryStore {
  constructor(readonly db: Db) {}

  /** queued/scheduled (and due) → sending; null when the campaign is not startable. */
  async beginSending(campaignId: string) {
    const [row] = rowsOf<{ id: string; store_content: boolean; content: unknown; ttl: number; published_seq: number | string }>(
      await this.db.execute(sql`
        update campaigns set status = ${targetSql('start')}, started_at = coalesce(started_at, now()), updated_at = now(),
          published_seq = coalesce(published_seq, nextval('inbox_seq'))
        where id = ${campaignId} and ${statusAllows('start')}
          and (scheduled_at is null or scheduled_at <= now() + interval '2 seconds')
        returning id, store_content, content, ttl, published_seq`),
    );
    return row ?? null;
  }

  async setMessage(campaignId: string, messageId: string): Promise<void> {
    await this.db.execute(sql`update campaigns set message_id = ${messageId} where id = ${campaignId}`);
  }

  /** Wakes long-polling inbox readers in every process (delivered at commit). */
  async notifyInbox(seq: number | string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${String(seq)})`);
  }

  /** The campaign's fan-out checkpoint, locked for this transaction. */
  async lockFanout(campaignId: string): Promise<FanoutState | null> {
    const [c] = rowsOf<{
      status: string;
      fanout_done: boolean;
      fanout_cursor: string | null;
      audience: Audience['audience'];
      topic_ids: string[] | string;
      exclude_topic_ids: string[] | string;
      targeted: number;
      project_id: string;
    }>(
      await this.db.execute(
        sql`select status, fanout_done, fanout_cursor, audience, topic_ids, exclude_topic_ids, targeted, project_id from campaigns where id = ${campaignId} for update`,
      ),
    );
    if (!c) return null;
    return {
      status: c.status,
      fanout_done: c.fanout_done,
      fanout_cursor: c.fanout_cursor,
      targeted: Number(c.targeted),
      audience: { projectId: c.project_id, audience: c.audience, topicIds: pgArrayValues(c.topic_ids), excludeTopicIds: pgArrayValues(c.exclude_topic_ids) },
    };
  }

  /** Inserts delivery rows for the next `batchSize` subscribers of the audience after `cursor`. */
  async insertDeliveries(campaignId: string, audience: Audience, cursor: string | null, batchSize: number) {
    const [r] = rowsOf<{ last_id: string | null; picked: number; inserted: number }>(
      await this.db.execute(sql`
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
    return { lastId: r!.last_id, picked: Number(r!.picked), inserted: Number(r!.inserted) };
  }

  /** Moves the checkpoint; a finished fan-out that targeted nobody completes the campaign. */
  async advanceFanout(campaignId: string, lastId: string | null, targeted: number, done: boolean): Promise<void> {
    await this.db.execute(sql`
      update campaigns set
        fanout_cursor = coalesce(${lastId}::uuid, fanout_cursor),
        targeted = ${targeted},
        fanout_done = ${done},
        status = case when ${done} and ${targeted} = 0 then ${targetSql('complete')} else status end,
        completed_at = case when ${done} and ${targeted} = 0 then now() else completed_at end,
        updated_at = now()
      where id = ${campaignId}`);
  }

  /**
   * Claims up to `limit` due rows of the campaign for `owner`, in id order: queued ones, retries
   * that are due, and claims older than the lease (a dead worker's). `after` (the last id this
   * pass claimed) lets a pass walk the campaign once instead of re-reading the rows it already
   * finished on every claim; rows it stepped over (locked by another claimer at that instant)
   * are found by the pass's last claim, which starts from the beginning again.
   */
  async claim(owner: ClaimOwner, campaignId: string, limit: number, after: string | null, leaseSeconds: number): Promise<ClaimedRow[]> {
    return rowsOf<ClaimedRow>(
      await this.db.execute(sql`
        with picked as materialized (
          select d.campaign_id, d.subscription_id from deliveries d
          where d.campaign_id = ${campaignId}
            ${after ? sql`and d.subscription_id > ${after}` : sql``}
            and ${due(leaseSeconds)}
            and exists (select 1 from campaigns c where c.id = ${campaignId} and c.status = 'sending')
          order by d.subscription_id
          limit ${limit}
          for update of d skip locked
        ), claimed as (
          update deliveries d set status = 'sending', claimed_by = ${owner}, claimed_at = now(), updated_at = now()
          from picked p
          where d.campaign_id = p.campaign_id and d.subscription_id = p.subscription_id
          returning d.subscription_id, d.attempts, d.push_service
        )
        select c.subscription_id, c.attempts, c.push_service, s.endpoint, s.p256dh, s.auth, s.vapid_key_id, s.status as sub_status
        from claimed c join subscriptions s on s.id = c.subscription_id`),
    );
  }

  async campaignStatus(campaignId: string): Promise<string | null> {
    const [row] = rowsOf<{ status: string }>(await this.db.execute(sql`select status from campaigns where id = ${campaignId}`));
    return row?.status ?? null;
  }

  /** The heartbeat: keeps every row `owner` still holds claimed (claimed_at = now()). */
  async renew(owner: ClaimOwner, campaignId: string): Promise<number> {
    const rows = rowsOf(
      await this.db.execute(sql`
        update deliveries set claimed_at = now()
        where campaign_id = ${campaignId} and status = 'sending' and claimed_by = ${owner}
        returning 1`),
    );
    return rows.length;
  }

  /**
   * Sending campaigns with deliveries to claim now (what a worker looks for when it is free), fair
   * across projects: each project's oldest campaign first, then each one's second, and so on, so
   * one project's many campaigns never fill the list and starve another project's one. Each
   * branch of the test is its own index probe on (campaign_id, status).
   */
  async dueCampaigns(leaseSeconds: number, limit = 20): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.db.execute(sql`
        select c.id from campaigns c
        where c.status = 'sending' and (
          exists (select 1 from deliveries d where d.campaign_id = c.id and d.status = 'queued')
          or exists (select 1 from deliveries d where d.campaign_id = c.id and d.status = 'retrying' and d.next_attempt_at <= now())
          or exists (select 1 from deliveries d where d.campaign_id = c.id and d.status = 'sending'
                     and d.claimed_at < now() - make_interval(secs => ${leaseSeconds})))
        order by row_number() over (partition by c.project_id order by c.started_at nulls last, c.id), c.started_at nulls last, c.id
        limit ${limit}`),
    );
    return rows.map((r) => r.id);
  }

  /**
   * Records a chunk's results (only rows `owner` still holds), the campaign counters and the
   * per-minute stats in one statement, and expires subscriptions the push service said are gone.
   * Returns how many rows were written.
   *
   * Rows are found by their full key, (campaign, subscription) from `v`, never by "the
   * campaign's rows": statistics gathered before a campaign started say it has none, and a
   * planner believing that scans every row of the campaign for each chunk (quadratic over a
   * campaign of millions). `v` and the claim's `picked` are MATERIALIZED so that the campaign id
   * inside them is not folded back into such a scan.
   */
  async record(owner: ClaimOwner, campaignId: string, results: ResultRow[]): Promise<number> {
    if (!results.length) return 0;
    const col = <K extends keyof ResultRow>(k: K) => results.map((r) => r[k]);
    const [r] = rowsOf<{ updated: number }>(
      await this.db.execute(sql`
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
            and d.status = 'sending' and d.claimed_by = ${owner}
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

  async message(campaignId: string): Promise<CampaignMessage | null> {
    const [row] = rowsOf<Omit<CampaignMessage, 'campaignId'>>(
      await this.db.execute(sql`
        select c.status, c.content, c.ttl, c.urgency, c.push_topic, c.message_id, p.slug as project_slug, p.origins as project_origins
        from campaigns c join projects p on p.id = c.project_id where c.id = ${campaignId}`),
    );
    return row ? { ...row, campaignId } : null;
  }

  /** Completes the campaign once every targeted delivery has a final outcome. */
  async complete(campaignId: string): Promise<boolean> {
    const done = rowsOf(
      await this.db.execute(sql`
        update campaigns set status = ${targetSql('complete')}, completed_at = now(), updated_at = now()
        where id = ${campaignId} and ${statusAllows('complete')} and fanout_done and targeted = sent + failed + expired + skipped
        returning id`),
    );
    return done.length > 0;
  }

  /** Scheduled campaigns now due, and queued ones nobody started within 10 s. */
  async overdueCampaigns(): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.db.execute(sql`
        select id from campaigns
        where (status = 'scheduled' and scheduled_at <= now())
           or (status = 'queued' and updated_at < now() - interval '10 seconds')
        limit 100`),
    );
    return rows.map((r) => r.id);
  }

  async sendingCampaigns(): Promise<{ id: string; fanout_done: boolean }[]> {
    return rowsOf<{ id: string; fanout_done: boolean }>(await this.db.execute(sql`select id, fanout_done from campaigns where status = 'sending' limit 200`));
  }
}
