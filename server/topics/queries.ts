import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import { subscriptions, subscriptionTopics, topics, type Topic } from '../../db/schema';
import { assertCan, type Ctx, type DbCtx } from '../context';
import { ofProject } from '../projects/scope';
import { projectTopics } from './scope';

export type TopicWithCount = Topic & { activeSubscribers: number };

export async function listTopics(ctx: Ctx): Promise<TopicWithCount[]> {
  assertCan(ctx, 'topics.read');
  const counts = ctx.db
    .select({ topicId: subscriptionTopics.topicId, n: sql<number>`count(*)::int`.as('n') })
    .from(subscriptionTopics)
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionTopics.subscriptionId))
    .where(and(ofProject(subscriptions, ctx), eq(subscriptions.status, 'active')))
    .groupBy(subscriptionTopics.topicId)
    .as('counts');
  const rows = await ctx.db
    .select({ topic: topics, n: counts.n })
    .from(topics)
    .leftJoin(counts, eq(counts.topicId, topics.id))
    .where(projectTopics(ctx))
    .orderBy(asc(topics.name));
  return rows.map((r) => ({ ...r.topic, activeSubscribers: Number(r.n ?? 0) }));
}

/** Public topics for the subscribe page and API (no counts: nothing internal leaks). */
export async function listPublicTopics(ctx: DbCtx): Promise<Pick<Topic, 'slug' | 'name' | 'description'>[]> {
  return ctx.db
    .select({ slug: topics.slug, name: topics.name, description: topics.description })
    .from(topics)
    .where(and(projectTopics(ctx), eq(topics.isPublic, true)))
    .orderBy(asc(topics.name));
}

/** A topic's display name by slug (null when there is no such topic). */
export async function topicTitle(ctx: DbCtx, slug: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ name: topics.name })
    .from(topics)
    .where(and(projectTopics(ctx), eq(topics.slug, slug)));
  return row?.name ?? null;
}
