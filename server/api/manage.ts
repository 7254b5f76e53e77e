/**
 * Topics and subscribers through the programmatic API (keys with the `manage` scope). Each
 * function checks the scope first, then calls the same service the dashboard uses, and shapes
 * the answer for the API: topics by slug, subscribers without endpoints or keys (capabilities
 * that let anyone push to the person).
 *
 * Topic limits: a key limited to some topics (or a token, bounded by its `topics` claim) sees
 * and changes only those topics, cannot create new ones, and cannot reach subscribers at all —
 * a subscriber belongs to many topics, so no topic limit can bound what deleting one affects.
 */
import 'server-only';
import { requireId } from '../../lib/params';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { topics, type Topic } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { assertCan, type Ctx } from '../context';
import { deleteSubscriber } from '../subscribers/mutations';
import { listSubscribers, type SubscriberRow } from '../subscribers/queries';
import { apiSubscriberListSchema } from '../subscribers/schemas';
import { createTopic, deleteTopic, patchTopic } from '../topics/mutations';
import { listTopics } from '../topics/queries';
import { apiTopicSchema, slugSchema } from '../topics/schemas';
import { projectTopics } from '../topics/scope';

export const apiTopicViewSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  isPublic: z.boolean(),
  activeSubscribers: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ApiTopic = z.infer<typeof apiTopicViewSchema>;

export const apiSubscriberViewSchema = z.object({
  id: z.uuid(),
  status: z.enum(['active', 'expired', 'unsubscribed']),
  pushService: z.string(),
  browser: z.string().nullable(),
  topics: z.array(z.string()),
  vapidKey: z.object({ id: z.uuid(), label: z.string(), status: z.enum(['standby', 'active', 'retired']) }).nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});
export type ApiSubscriber = z.infer<typeof apiSubscriberViewSchema>;

const topicView = (t: Topic & { activeSubscribers?: number }): ApiTopic => ({
  slug: t.slug,
  name: t.name,
  description: t.description,
  isPublic: t.isPublic,
  ...(t.activeSubscribers === undefined ? {} : { activeSubscribers: t.activeSubscribers }),
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

const subscriberView = (s: SubscriberRow): ApiSubscriber => ({
  id: s.id,
  status: s.status,
  pushService: s.pushService,
  browser: s.browser,
  topics: s.topics.map((t) => t.slug),
  vapidKey: s.vapidKey ? { id: s.vapidKey.id, label: s.vapidKey.label, status: s.vapidKey.status } : null,
  createdAt: s.createdAt.toISOString(),
  endedAt: s.endedAt?.toISOString() ?? null,
});

/** The topics a limited caller may manage ({ids} or {slugs}), or null when it has no limit. */
function topicLimit(ctx: Ctx): { ids: Set<string> } | { slugs: Set<string> } | null {
  const a = ctx.actor;
  if (a.kind === 'api-key' && a.topicIds) return { ids: new Set(a.topicIds) };
  if (a.kind === 'token') return { slugs: new Set(a.topics) };
  return null;
}

function mayManage(ctx: Ctx, t: Pick<Topic, 'id' | 'slug'>): boolean {
  const limit = topicLimit(ctx);
  return !limit || ('ids' in limit ? limit.ids.has(t.id) : limit.slugs.has(t.slug));
}

/** The topic with this slug, if the caller may manage it; a limited caller cannot tell others exist. */
async function ownTopic(ctx: Ctx, slug: string): Promise<Topic> {
  const parsed = slugSchema.safeParse(slug);
  const [t] = parsed.success
    ? await ctx.db
        .select()
        .from(topics)
        .where(and(projectTopics(ctx), eq(topics.slug, parsed.data)))
    : [];
  if (!t || !mayManage(ctx, t))
    throw new AppError('not_found', `There is no topic "${slug}"${topicLimit(ctx) ? ' among the topics this key may manage' : ''}.`);
  return t;
}

function unlimitedOnly(ctx: Ctx, what: string): void {
  if (topicLimit(ctx)) throw new AppError('forbidden', `A key limited to some topics cannot ${what}. Use a key with the "manage" scope and no topic limit.`);
}

export async function listApiTopics(ctx: Ctx): Promise<{ topics: ApiTopic[] }> {
  assertCan(ctx, 'topics.read');
  const all = await listTopics(ctx);
  return { topics: all.filter((t) => mayManage(ctx, t)).map(topicView) };
}

export async function createApiTopic(ctx: Ctx, body: unknown): Promise<ApiTopic> {
  assertCan(ctx, 'topics.manage');
  unlimitedOnly(ctx, 'create topics');
  const parsed = apiTopicSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  return topicView(await createTopic(ctx, parsed.data));
}

export async function patchApiTopic(ctx: Ctx, slug: string, body: unknown): Promise<ApiTopic> {
  assertCan(ctx, 'topics.manage');
  const t = await ownTopic(ctx, slug);
  return topicView(await patchTopic(ctx, t.slug, body));
}

export async function deleteApiTopic(ctx: Ctx, slug: string): Promise<void> {
  assertCan(ctx, 'topics.manage');
  const t = await ownTopic(ctx, slug);
  await deleteTopic(ctx, { id: t.id });
}

export async function listApiSubscribers(ctx: Ctx, query: Record<string, string>): Promise<{ subscribers: ApiSubscriber[]; nextBefore: string | null }> {
  assertCan(ctx, 'subscribers.read');
  unlimitedOnly(ctx, 'list subscribers');
  const parsed = apiSubscriberListSchema.safeParse(query);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    const message = unknown ? `Unknown query parameter: ${(unknown as { keys: string[] }).keys.join(', ')}.` : parsed.error.issues[0]?.message;
    throw validationError(parsed.error.issues, message);
  }
  const { topic, ...rest } = parsed.data;
  let topicId: string | undefined;
  if (topic) {
    const [t] = await ctx.db
      .select({ id: topics.id })
      .from(topics)
      .where(and(projectTopics(ctx), eq(topics.slug, topic)));
    if (!t) throw new AppError('unprocessable', `Unknown topic: ${topic}.`, { fieldErrors: { topic: [`Unknown topic: ${topic}.`] } });
    topicId = t.id;
  }
  const page = await listSubscribers(ctx, { ...rest, topic: topicId });
  return { subscribers: page.items.map(subscriberView), nextBefore: page.nextBefore };
}

export async function deleteApiSubscriber(ctx: Ctx, id: string): Promise<void> {
  assertCan(ctx, 'subscribers.manage');
  unlimitedOnly(ctx, 'delete subscribers');
  requireId(id, 'That subscriber does not exist.');
  await deleteSubscriber(ctx, { id });
}
