/** Topics: what visitors can choose on the public page (public) or programs assign (private). */
import 'server-only';
import { and, eq, type SQL } from 'drizzle-orm';
import { topics, type Topic } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { topicPatchSchema, topicRefSchema, topicSchema, updateTopicSchema } from './schemas';
import { projectTopics } from './scope';

const view = (t: Topic) => ({ slug: t.slug, name: t.name, description: t.description, isPublic: t.isPublic });
const slugTaken = () =>
  new AppError('conflict', 'A topic with that slug already exists.', { fieldErrors: { slug: ['A topic with that slug already exists.'] } });

export async function createTopic(ctx: Ctx, input: unknown): Promise<Topic> {
  assertCan(ctx, 'topics.manage');
  const parsed = topicSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(topics)
      .values({ ...parsed.data, projectId: ctx.project.id })
      .onConflictDoNothing({ target: [topics.projectId, topics.slug] })
      .returning();
    if (!row) throw slugTaken();
    await recordAudit(tx, { action: 'topic.create', targetType: 'topic', targetId: row.id, targetLabel: row.slug, after: view(row) });
    return row;
  });
}

export async function updateTopic(ctx: Ctx, input: unknown): Promise<Topic> {
  assertCan(ctx, 'topics.manage');
  const parsed = updateTopicSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { id, ...values } = parsed.data;
  return inTx(ctx, async (tx) => {
    const [before] = await tx.db
      .select()
      .from(topics)
      .where(and(projectTopics(tx), eq(topics.id, id)))
      .for('update');
    if (!before) throw new AppError('not_found', 'That topic does not exist.');
    if (values.slug !== before.slug) {
      const [clash] = await tx.db
        .select({ id: topics.id })
        .from(topics)
        .where(and(projectTopics(tx), eq(topics.slug, values.slug)));
      if (clash) throw slugTaken();
    }
    const [row] = await tx.db
      .update(topics)
      .set({ ...values, updatedAt: new Date() })
      .where(and(projectTopics(tx), eq(topics.id, id)))
      .returning();
    await recordAudit(tx, { action: 'topic.update', targetType: 'topic', targetId: id, targetLabel: row!.slug, before: view(before), after: view(row!) });
    return row!;
  });
}

/**
 * Changes some fields of the topic with this slug (the API's PATCH): the missing ones keep their
 * values, then the same checks and audit as a full update.
 */
export async function patchTopic(ctx: Ctx, slug: string, input: unknown): Promise<Topic> {
  assertCan(ctx, 'topics.manage');
  const parsed = topicPatchSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const [current] = await ctx.db
    .select()
    .from(topics)
    .where(and(projectTopics(ctx), eq(topics.slug, slug.trim().toLowerCase())));
  if (!current) throw new AppError('not_found', `There is no topic "${slug}".`);
  return updateTopic(ctx, {
    id: current.id,
    slug: parsed.data.slug ?? current.slug,
    name: parsed.data.name ?? current.name,
    description: parsed.data.description ?? current.description,
    isPublic: parsed.data.isPublic ?? current.isPublic,
  });
}

const refWhere = (ref: { id: string } | { slug: string }): SQL => ('id' in ref ? eq(topics.id, ref.id) : eq(topics.slug, ref.slug));

/** Deleting a topic removes it from every subscription (they stay subscribed to their other topics). */
export async function deleteTopic(ctx: Ctx, input: unknown): Promise<Topic> {
  assertCan(ctx, 'topics.manage');
  const parsed = topicRefSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(topics)
      .where(and(projectTopics(tx), refWhere(parsed.data)))
      .returning();
    if (!row) throw new AppError('not_found', 'slug' in parsed.data ? `There is no topic "${parsed.data.slug}".` : 'That topic does not exist.');
    await recordAudit(tx, { action: 'topic.delete', targetType: 'topic', targetId: row.id, targetLabel: row.slug, before: view(row) });
    return row;
  });
}
