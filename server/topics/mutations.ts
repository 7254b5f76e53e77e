/** Topics: what visitors can choose on the public page (public) or programs assign (private). */
import { eq } from 'drizzle-orm';
import { topics, type Topic } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { topicIdSchema, topicSchema, updateTopicSchema } from './schemas';

const view = (t: Topic) => ({ slug: t.slug, name: t.name, description: t.description, isPublic: t.isPublic });
const slugTaken = () =>
  new AppError('conflict', 'A topic with that slug already exists.', { fieldErrors: { slug: ['A topic with that slug already exists.'] } });

export async function createTopic(ctx: Ctx, input: unknown): Promise<Topic> {
  assertCan(ctx, 'topics.manage');
  const parsed = topicSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db.insert(topics).values(parsed.data).onConflictDoNothing({ target: topics.slug }).returning();
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
    const [before] = await tx.db.select().from(topics).where(eq(topics.id, id)).for('update');
    if (!before) throw new AppError('not_found', 'That topic does not exist.');
    if (values.slug !== before.slug) {
      const [clash] = await tx.db.select({ id: topics.id }).from(topics).where(eq(topics.slug, values.slug));
      if (clash) throw slugTaken();
    }
    const [row] = await tx.db.update(topics).set({ ...values, updatedAt: new Date() }).where(eq(topics.id, id)).returning();
    await recordAudit(tx, { action: 'topic.update', targetType: 'topic', targetId: id, targetLabel: row!.slug, before: view(before), after: view(row!) });
    return row!;
  });
}

/** Deleting a topic removes it from every subscription (they stay subscribed to their other topics). */
export async function deleteTopic(ctx: Ctx, input: unknown): Promise<void> {
  assertCan(ctx, 'topics.manage');
  const parsed = topicIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  await inTx(ctx, async (tx) => {
    const [row] = await tx.db.delete(topics).where(eq(topics.id, parsed.data.id)).returning();
    if (!row) throw new AppError('not_found', 'That topic does not exist.');
    await recordAudit(tx, { action: 'topic.delete', targetType: 'topic', targetId: row.id, targetLabel: row.slug, before: view(row) });
  });
}
