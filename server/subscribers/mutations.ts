/**
 * Removing a subscriber from the dashboard (admins and owners). A hard delete: the row goes, and
 * with it (by foreign-key cascade) its topic memberships and delivery history. The audit row,
 * written in the same transaction, records what the subscriber was — never its endpoint or
 * keys, which would let anyone reading the log push to that person.
 */
import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { subscriptions, subscriptionTopics, topics } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { idInProject } from '../projects/scope';
import { deleteSubscriberSchema } from './schemas';

export async function deleteSubscriber(ctx: Ctx, input: unknown): Promise<{ id: string }> {
  assertCan(ctx, 'subscribers.manage');
  const parsed = deleteSubscriberSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { id } = parsed.data;
  return inTx(ctx, async (tx) => {
    // Topics are read before the delete cascades them away (the row lock keeps them stable:
    // re-subscribing the same endpoint updates this row, so it waits for us).
    const [target] = await tx.db
      .select({ id: subscriptions.id, pushService: subscriptions.pushService, status: subscriptions.status, createdAt: subscriptions.createdAt })
      .from(subscriptions)
      .where(idInProject(subscriptions, tx, id))
      .for('update');
    if (!target) throw new AppError('not_found', 'That subscriber does not exist (perhaps it was deleted already).');
    const memberOf = await tx.db
      .select({ slug: topics.slug })
      .from(subscriptionTopics)
      .innerJoin(topics, eq(topics.id, subscriptionTopics.topicId))
      .where(eq(subscriptionTopics.subscriptionId, id))
      .orderBy(asc(topics.slug));
    await tx.db.delete(subscriptions).where(idInProject(subscriptions, tx, id));
    await recordAudit(tx, {
      action: 'subscriber.delete',
      targetType: 'subscriber',
      targetId: id,
      targetLabel: `…${id.slice(-8)} (${target.pushService})`,
      before: {
        pushService: target.pushService,
        status: target.status,
        topics: memberOf.map((t) => t.slug),
        createdAt: target.createdAt.toISOString(),
      },
    });
    return { id };
  });
}
