/**
 * Reading campaigns and their deliveries for the dashboard. Everything that could touch
 * millions of rows reads indexes by keyset (deliveries by (campaign, status|service|http,
 * subscription)), or the small per-minute stats table — never a count over deliveries.
 */
import 'server-only';
import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf } from '../../db';
import { campaigns, campaignStats, campaignStatuses, deliveries, deliveryStatuses, subscriptions, topics, vapidClaims, type Campaign } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { cursorInstant, isId } from '../../lib/params';
import { escapeLike } from '../audit/queries';
import { assertCan, type Ctx } from '../context';
import { projectTopics } from '../topics/scope';
import { idInProject, ofProject } from '../projects/scope';
import { campaignOfProject } from './scope';

export const campaignListSchema = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(campaignStatuses).optional(),
  /** Keyset cursor: `<createdAt ISO>|<id>` of the last row seen. */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export type CampaignListItem = Pick<
  Campaign,
  | 'id'
  | 'name'
  | 'status'
  | 'scheduledAt'
  | 'timeZone'
  | 'startedAt'
  | 'completedAt'
  | 'createdAt'
  | 'createdByLabel'
  | 'source'
  | 'audience'
  | 'targeted'
  | 'sent'
  | 'failed'
  | 'expired'
  | 'skipped'
> & { topicNames: string[]; excludedTopicNames: string[] };

async function topicNames(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await ctx.db
    .select({ id: topics.id, name: topics.name })
    .from(topics)
    .where(and(projectTopics(ctx), inArray(topics.id, unique)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function listCampaigns(ctx: Ctx, input: z.input<typeof campaignListSchema>) {
  assertCan(ctx, 'campaigns.read');
  const f = campaignListSchema.parse(input);
  const where: SQL[] = [ofProject(campaigns, ctx)];
  if (f.q) where.push(ilike(campaigns.name, `%${escapeLike(f.q)}%`));
  if (f.status) where.push(eq(campaigns.status, f.status));
  if (f.before) {
    // A cursor that is not one of ours (hand-edited, years 0 or 275760) just starts from the top.
    const [at, id] = f.before.split('|');
    const date = cursorInstant(at);
    if (date && isId(id)) {
      where.push(or(lt(campaigns.createdAt, date), and(eq(campaigns.createdAt, date), lt(campaigns.id, id)))!);
    }
  }
  const rows = await ctx.db
    .select()
    .from(campaigns)
    .where(and(...where))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(f.limit + 1);
  const hasMore = rows.length > f.limit;
  const page = hasMore ? rows.slice(0, f.limit) : rows;
  const names = await topicNames(
    ctx,
    page.flatMap((c) => [...c.topicIds, ...c.excludeTopicIds]),
  );
  const items: CampaignListItem[] = page.map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    scheduledAt: c.scheduledAt,
    timeZone: c.timeZone,
    startedAt: c.startedAt,
    completedAt: c.completedAt,
    createdAt: c.createdAt,
    createdByLabel: c.createdByLabel,
    source: c.source,
    audience: c.audience,
    targeted: c.targeted,
    sent: c.sent,
    failed: c.failed,
    expired: c.expired,
    skipped: c.skipped,
    topicNames: c.topicIds.map((id) => names.get(id) ?? '(deleted topic)'),
    excludedTopicNames: c.excludeTopicIds.map((id) => names.get(id) ?? '(deleted topic)'),
  }));
  const last = page[page.length - 1];
  return { items, nextBefore: hasMore && last ? `${last.createdAt.toISOString()}|${last.id}` : null };
}

export async function getCampaign(ctx: Ctx, id: string) {
  assertCan(ctx, 'campaigns.read');
  if (!z.uuid().safeParse(id).success) throw new AppError('not_found', 'That campaign does not exist.');
  const [c] = await ctx.db
    .select()
    .from(campaigns)
    .where(idInProject(campaigns, ctx, id));
  if (!c) throw new AppError('not_found', 'That campaign does not exist.');
  const names = await topicNames(ctx, [...c.topicIds, ...c.excludeTopicIds]);
  return {
    ...c,
    topics: c.topicIds.map((t) => ({ id: t, name: names.get(t) ?? null })),
    excludedTopics: c.excludeTopicIds.map((t) => ({ id: t, name: names.get(t) ?? null })),
  };
}

export interface CampaignProgress {
  id: string;
  status: Campaign['status'];
  targeted: number;
  sent: number;
  failed: number;
  expired: number;
  skipped: number;
  pending: number;
  fanoutDone: boolean;
  /** Receipts from service workers: each counted once per delivery. */
  shown: number;
  clicked: number;
  closed: number;
  startedAt: string | null;
  completedAt: string | null;
  /** Messages recorded in the last full minute, per second. */
  perSecond: number;
}

/** Small and cheap: polled by the detail page while a campaign sends. */
export async function campaignProgress(ctx: Ctx, id: string): Promise<CampaignProgress> {
  const c = await getCampaign(ctx, id);
  const [recent] = rowsOf<{ n: number }>(
    await ctx.db.execute(sql`
      select coalesce(sum(count), 0)::int as n from campaign_stats
      where campaign_id = ${campaignOfProject(ctx, id)} and outcome in ('sent', 'failed', 'expired') and bucket >= date_trunc('minute', now()) - interval '1 minute' and bucket < date_trunc('minute', now())`),
  );
  const finished = c.sent + c.failed + c.expired + c.skipped;
  return {
    id: c.id,
    status: c.status,
    targeted: c.targeted,
    sent: c.sent,
    failed: c.failed,
    expired: c.expired,
    skipped: c.skipped,
    pending: Math.max(0, c.targeted - finished),
    fanoutDone: c.fanoutDone,
    shown: c.shown,
    clicked: c.clicked,
    closed: c.closed,
    startedAt: c.startedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
    perSecond: Math.round(Number(recent?.n ?? 0) / 60),
  };
}

/** Outcomes per minute, for the "deliveries over time" chart. */
export async function campaignTimeline(ctx: Ctx, id: string) {
  assertCan(ctx, 'campaigns.read');
  const rows = rowsOf<{ bucket: string | Date; sent: number; failed: number; expired: number; retrying: number }>(
    await ctx.db.execute(sql`
      select bucket,
        coalesce(sum(count) filter (where outcome = 'sent'), 0)::int as sent,
        coalesce(sum(count) filter (where outcome = 'failed'), 0)::int as failed,
        coalesce(sum(count) filter (where outcome = 'expired'), 0)::int as expired,
        coalesce(sum(count) filter (where outcome = 'retrying'), 0)::int as retrying
      from campaign_stats where campaign_id = ${campaignOfProject(ctx, id)}
      group by bucket order by bucket`),
  );
  return rows.map((r) => ({
    bucket: new Date(r.bucket).toISOString(),
    sent: Number(r.sent),
    failed: Number(r.failed),
    expired: Number(r.expired),
    retrying: Number(r.retrying),
  }));
}

/** Outcome and latency per push service. */
export async function campaignByService(ctx: Ctx, id: string) {
  assertCan(ctx, 'campaigns.read');
  const rows = rowsOf<{ push_service: string; sent: number; failed: number; expired: number; retrying: number; attempts: number; latency: number }>(
    await ctx.db.execute(sql`
      select push_service,
        coalesce(sum(count) filter (where outcome = 'sent'), 0)::int as sent,
        coalesce(sum(count) filter (where outcome = 'failed'), 0)::int as failed,
        coalesce(sum(count) filter (where outcome = 'expired'), 0)::int as expired,
        coalesce(sum(count) filter (where outcome = 'retrying'), 0)::int as retrying,
        coalesce(sum(count), 0)::int as attempts,
        coalesce(sum(latency_sum_ms), 0)::bigint as latency
      from campaign_stats where campaign_id = ${campaignOfProject(ctx, id)}
      group by push_service order by sum(count) desc`),
  );
  return rows.map((r) => ({
    pushService: r.push_service,
    sent: Number(r.sent),
    failed: Number(r.failed),
    expired: Number(r.expired),
    retried: Number(r.retrying),
    avgLatencyMs: Number(r.attempts) ? Math.round(Number(r.latency) / Number(r.attempts)) : null,
  }));
}

export const deliveryListSchema = z.object({
  status: z.enum(deliveryStatuses).optional(),
  pushService: z.string().trim().max(253).optional(),
  httpStatus: z.coerce.number().int().min(0).max(999).optional(),
  /** Keyset cursor: the last subscription id seen. */
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** One page of a campaign's deliveries, by subscription id, with filters that each ride an index. */
export async function listDeliveries(ctx: Ctx, campaignId: string, input: z.input<typeof deliveryListSchema>) {
  assertCan(ctx, 'campaigns.read');
  const f = deliveryListSchema.parse(input);
  const where: SQL[] = [eq(deliveries.campaignId, campaignOfProject(ctx, campaignId))];
  if (f.status) where.push(eq(deliveries.status, f.status));
  if (f.pushService) where.push(eq(deliveries.pushService, f.pushService));
  if (f.httpStatus !== undefined) where.push(eq(deliveries.httpStatus, f.httpStatus));
  if (f.after) where.push(gt(deliveries.subscriptionId, f.after));
  const rows = await ctx.db
    .select({
      subscriptionId: deliveries.subscriptionId,
      status: deliveries.status,
      attempts: deliveries.attempts,
      httpStatus: deliveries.httpStatus,
      pushService: deliveries.pushService,
      latencyMs: deliveries.latencyMs,
      reason: deliveries.reason,
      updatedAt: deliveries.updatedAt,
      sentAt: deliveries.sentAt,
      nextAttemptAt: deliveries.nextAttemptAt,
    })
    .from(deliveries)
    .where(and(...where))
    .orderBy(asc(deliveries.subscriptionId))
    .limit(f.limit + 1);
  const hasMore = rows.length > f.limit;
  const items = hasMore ? rows.slice(0, f.limit) : rows;
  return { items, nextAfter: hasMore ? items[items.length - 1]!.subscriptionId : null };
}

/** Values for the deliveries filters: push services (from stats) and HTTP statuses (index skip-scan). */
export async function deliveryFacets(ctx: Ctx, campaignId: string) {
  assertCan(ctx, 'campaigns.read');
  const services = await ctx.db
    .selectDistinct({ s: campaignStats.pushService })
    .from(campaignStats)
    .where(eq(campaignStats.campaignId, campaignOfProject(ctx, campaignId)))
    .orderBy(campaignStats.pushService);
  const http = rowsOf<{ v: number | null }>(
    await ctx.db.execute(sql`
      with recursive t(v) as (
        select min(http_status) from deliveries where campaign_id = ${campaignOfProject(ctx, campaignId)} and http_status is not null
        union all
        select (select min(http_status) from deliveries where campaign_id = ${campaignOfProject(ctx, campaignId)} and http_status > t.v) from t where t.v is not null
      ) select v from t where v is not null`),
  );
  return { services: services.map((r) => r.s), httpStatuses: http.map((r) => Number(r.v)) };
}

/** One delivery with the VAPID claim that carried it. */
export async function getDelivery(ctx: Ctx, campaignId: string, subscriptionId: string) {
  assertCan(ctx, 'campaigns.read');
  if (!z.uuid().safeParse(campaignId).success || !z.uuid().safeParse(subscriptionId).success) {
    throw new AppError('not_found', 'That delivery does not exist.');
  }
  const [row] = await ctx.db
    .select({
      delivery: deliveries,
      claim: {
        id: vapidClaims.id,
        sub: vapidClaims.sub,
        aud: vapidClaims.aud,
        exp: vapidClaims.exp,
        issuedAt: vapidClaims.issuedAt,
        publicKey: vapidClaims.publicKey,
        vapidKeyId: vapidClaims.vapidKeyId,
      },
      subscription: {
        id: subscriptions.id,
        status: subscriptions.status,
        pushService: subscriptions.pushService,
        createdAt: subscriptions.createdAt,
        endpoint: subscriptions.endpoint,
      },
    })
    .from(deliveries)
    .leftJoin(vapidClaims, eq(vapidClaims.id, deliveries.vapidClaimId))
    .innerJoin(subscriptions, eq(subscriptions.id, deliveries.subscriptionId))
    .where(and(eq(deliveries.campaignId, campaignOfProject(ctx, campaignId)), eq(deliveries.subscriptionId, subscriptionId), ofProject(subscriptions, ctx)));
  if (!row) throw new AppError('not_found', 'That delivery does not exist.');
  // The endpoint is a capability URL: show where it goes, not the whole secret path.
  const { endpoint, ...sub } = row.subscription;
  return { ...row.delivery, claim: row.claim?.id ? row.claim : null, subscription: { ...sub, endpointOrigin: new URL(endpoint).origin } };
}
