/**
 * Browsing subscribers for the dashboard: one page of the list (newest first, keyset by id),
 * the values for its filters, and one subscriber with its recent deliveries.
 *
 * Sized for millions of rows: every list query is `order by id desc limit n` with each filter
 * riding an existing index ((status, id), (push_service, id), (vapid_key_id, status),
 * subscription_topics (topic_id, subscription_id)); nothing counts the table. Endpoints and
 * keys never leave this module: they are capabilities that let anyone push to the person.
 */
import 'server-only';
import { requireId } from '../../lib/params';
import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../db';
import { campaigns, deliveries, subscriptions, subscriptionTopics, topics, vapidKeys, type Subscription, type VapidKey } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { assertCan, type Ctx } from '../context';
import { idInProject, ofProject } from '../projects/scope';
import { browserName } from '../subscribers/lookup';
import { subscriberListSchema, type SubscriberFilters, type SubscriberListInput } from './schemas';
import { projectTopics } from '../topics/scope';

const DAY_MS = 86_400_000;

/** The VAPID key a subscription was made with, joined beside it in lists and on the detail page. */
const keyColumns = { keyId: vapidKeys.id, keyName: vapidKeys.name, keyStatus: vapidKeys.status, keyPublic: vapidKeys.publicKey };

/**
 * The smallest / largest UUIDv7 minted at `ms`. Subscription ids are UUIDv7 created in the same
 * statement whose `created_at` defaults to now() (server/subscribers/subscribe.ts), and
 * `created_at` never changes afterwards, so a creation-date range is also an id range: bounding
 * the id lets the primary key find the range instead of walking every newer row. The caller
 * keeps a day of slack for clock skew between the app and the database and still filters on
 * `created_at` itself, so results stay exact.
 */
export function uuidv7Bound(ms: number, end: 'lo' | 'hi'): string {
  const t = Math.min(Math.max(0, Math.floor(ms)), 2 ** 48 - 1);
  const h = t.toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${end === 'lo' ? '0000-0000-000000000000' : 'ffff-ffff-ffffffffffff'}`;
}

const dayStart = (d: string) => new Date(`${d}T00:00:00.000Z`);
const dayEnd = (d: string) => new Date(`${d}T23:59:59.999Z`);

function filterConditions(ctx: Ctx, f: SubscriberFilters, before?: string): SQL[] {
  const where: SQL[] = [ofProject(subscriptions, ctx)];
  if (f.status) where.push(eq(subscriptions.status, f.status));
  if (f.pushService) where.push(eq(subscriptions.pushService, f.pushService));
  if (f.vapidKeyId) where.push(eq(subscriptions.vapidKeyId, f.vapidKeyId));
  if (f.topic) {
    // The cursor bounds the topic's members too: PostgreSQL does not carry `id < before` over
    // to them by itself, and would read the topic's members from the newest down to the cursor
    // on every page (8 ms halfway through a 1M table, more the deeper the page).
    where.push(
      sql`exists (select 1 from ${subscriptionTopics} where ${subscriptionTopics.subscriptionId} = ${subscriptions.id} and ${subscriptionTopics.topicId} = ${f.topic}${
        before ? sql` and ${subscriptionTopics.subscriptionId} < ${before}` : sql``
      })`,
    );
  }
  if (f.createdFrom) {
    const from = dayStart(f.createdFrom);
    where.push(gte(subscriptions.createdAt, from), gte(subscriptions.id, uuidv7Bound(from.getTime() - DAY_MS, 'lo')));
  }
  if (f.createdTo) {
    const to = dayEnd(f.createdTo);
    where.push(lte(subscriptions.createdAt, to), lte(subscriptions.id, uuidv7Bound(to.getTime() + DAY_MS, 'hi')));
  }
  return where;
}

export interface VapidKeyRef {
  id: string;
  name: string;
  status: VapidKey['status'];
  /** The name, or the start of the public key when the key has none. */
  label: string;
}

export interface SubscriberRow {
  id: string;
  status: Subscription['status'];
  pushService: string;
  /** "Firefox 153", or null without a User-Agent. */
  browser: string | null;
  userAgent: string | null;
  topics: { id: string; name: string; slug: string }[];
  vapidKey: VapidKeyRef | null;
  createdAt: Date;
  endedAt: Date | null;
}

const keyLabel = (name: string, publicKey: string) => name || `Key ${publicKey.slice(0, 10)}…`;

/** Topics of the given subscriptions, by subscription, each list in name order. */
async function topicsOf(ctx: Ctx, ids: string[]): Promise<Map<string, SubscriberRow['topics']>> {
  const out = new Map<string, SubscriberRow['topics']>();
  if (!ids.length) return out;
  const rows = await ctx.db
    .select({ subscriptionId: subscriptionTopics.subscriptionId, id: topics.id, name: topics.name, slug: topics.slug })
    .from(subscriptionTopics)
    .innerJoin(topics, eq(topics.id, subscriptionTopics.topicId))
    .where(and(projectTopics(ctx), inArray(subscriptionTopics.subscriptionId, ids)))
    .orderBy(asc(topics.name));
  for (const r of rows) {
    const list = out.get(r.subscriptionId) ?? [];
    list.push({ id: r.id, name: r.name, slug: r.slug });
    out.set(r.subscriptionId, list);
  }
  return out;
}

/** One keyset page, newest first. Shared by the list and the CSV export; no permission check. */
export async function subscriberPage(ctx: Ctx, f: SubscriberFilters, before: string | undefined, limit: number) {
  const where = filterConditions(ctx, f, before);
  if (before) where.push(lt(subscriptions.id, before));
  const rows = await ctx.db
    .select({
      id: subscriptions.id,
      status: subscriptions.status,
      pushService: subscriptions.pushService,
      userAgent: subscriptions.userAgent,
      createdAt: subscriptions.createdAt,
      endedAt: subscriptions.endedAt,
      ...keyColumns,
    })
    .from(subscriptions)
    .leftJoin(vapidKeys, eq(vapidKeys.id, subscriptions.vapidKeyId))
    .where(and(...where))
    .orderBy(desc(subscriptions.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const topicMap = await topicsOf(
    ctx,
    page.map((r) => r.id),
  );
  const items: SubscriberRow[] = page.map((r) => ({
    id: r.id,
    status: r.status,
    pushService: r.pushService,
    browser: r.userAgent ? browserName(r.userAgent) : null,
    userAgent: r.userAgent,
    topics: topicMap.get(r.id) ?? [],
    vapidKey: r.keyId ? { id: r.keyId, name: r.keyName ?? '', status: r.keyStatus!, label: keyLabel(r.keyName ?? '', r.keyPublic ?? '') } : null,
    createdAt: r.createdAt,
    endedAt: r.endedAt,
  }));
  return { items, nextBefore: hasMore ? items[items.length - 1]!.id : null };
}

export async function listSubscribers(ctx: Ctx, input: SubscriberListInput) {
  assertCan(ctx, 'subscribers.read');
  const parsed = subscriberListSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, 'Those filters are not valid.');
  const { before, limit, ...filters } = parsed.data;
  return subscriberPage(ctx, filters, before, limit);
}

/** Values for the list's filter drop-downs. */
export async function subscriberFacets(ctx: Ctx) {
  assertCan(ctx, 'subscribers.read');
  // Distinct push services by skip-scan over (push_service, id): one index probe per service
  // instead of reading every subscription.
  const servicesQuery = ctx.db.execute(sql`
    with recursive s(v) as (
      select min(push_service) from subscriptions where project_id = ${ctx.project.id}
      union all
      select (select min(push_service) from subscriptions where project_id = ${ctx.project.id} and push_service > s.v) from s where s.v is not null
    ) select v from s where v is not null`);
  const [topicRows, services, keys] = await Promise.all([
    ctx.db.select({ id: topics.id, name: topics.name }).from(topics).where(projectTopics(ctx)).orderBy(asc(topics.name)),
    servicesQuery,
    ctx.db
      .select({ id: vapidKeys.id, name: vapidKeys.name, status: vapidKeys.status, publicKey: vapidKeys.publicKey })
      .from(vapidKeys)
      .where(ofProject(vapidKeys, ctx))
      .orderBy(sql`case ${vapidKeys.status} when 'active' then 0 when 'standby' then 1 else 2 end`, desc(vapidKeys.createdAt)),
  ]);
  return {
    topics: topicRows,
    pushServices: rowsOf<{ v: string }>(services).map((r) => r.v),
    vapidKeys: keys.map((k): VapidKeyRef => ({ id: k.id, name: k.name, status: k.status, label: keyLabel(k.name, k.publicKey) })),
  };
}

export type SubscriberFacets = Awaited<ReturnType<typeof subscriberFacets>>;

/** One subscriber: its fields (never the endpoint or keys), topics, key and last 50 deliveries. */
export async function getSubscriber(ctx: Ctx, id: string) {
  assertCan(ctx, 'subscribers.read');
  requireId(id, 'That subscriber does not exist.');
  const [row] = await ctx.db
    .select({
      id: subscriptions.id,
      status: subscriptions.status,
      pushService: subscriptions.pushService,
      endpoint: subscriptions.endpoint,
      userAgent: subscriptions.userAgent,
      expiresAt: subscriptions.expiresAt,
      createdAt: subscriptions.createdAt,
      updatedAt: subscriptions.updatedAt,
      endedAt: subscriptions.endedAt,
      ...keyColumns,
    })
    .from(subscriptions)
    .leftJoin(vapidKeys, eq(vapidKeys.id, subscriptions.vapidKeyId))
    .where(idInProject(subscriptions, ctx, id));
  if (!row) throw new AppError('not_found', 'That subscriber does not exist.');
  const [topicMap, history] = await Promise.all([
    topicsOf(ctx, [id]),
    // Newest first along (subscription_id, created_at): reads 50 index entries, however long the history.
    ctx.db
      .select({
        campaignId: deliveries.campaignId,
        campaignName: campaigns.name,
        status: deliveries.status,
        attempts: deliveries.attempts,
        httpStatus: deliveries.httpStatus,
        latencyMs: deliveries.latencyMs,
        reason: deliveries.reason,
        createdAt: deliveries.createdAt,
        updatedAt: deliveries.updatedAt,
        sentAt: deliveries.sentAt,
      })
      .from(deliveries)
      .innerJoin(campaigns, eq(campaigns.id, deliveries.campaignId))
      .where(and(eq(deliveries.subscriptionId, id), ofProject(campaigns, ctx)))
      .orderBy(desc(deliveries.createdAt))
      .limit(50),
  ]);
  let endpointOrigin: string | null = null;
  try {
    endpointOrigin = new URL(row.endpoint).origin;
  } catch {
    /* stored endpoints were validated as URLs; stay quiet if one is not */
  }
  return {
    id: row.id,
    status: row.status,
    pushService: row.pushService,
    // Where the endpoint goes, not the secret path.
    endpointOrigin,
    browser: row.userAgent ? browserName(row.userAgent) : null,
    userAgent: row.userAgent,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    endedAt: row.endedAt,
    topics: topicMap.get(id) ?? [],
    vapidKey: row.keyId
      ? ({ id: row.keyId, name: row.keyName ?? '', status: row.keyStatus!, label: keyLabel(row.keyName ?? '', row.keyPublic ?? '') } as VapidKeyRef)
      : null,
    deliveries: history,
  };
}

export type SubscriberDetail = Awaited<ReturnType<typeof getSubscriber>>;
