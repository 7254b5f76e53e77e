/**
 * A test send: the composed notification (saved or not) to one chosen subscriber, now, over the
 * same sender as campaigns. Not a campaign: no delivery row, but the VAPID claim and the audit
 * record are written like any other push, and a 404/410 expires the subscription.
 */
import 'server-only';
import { and, eq } from 'drizzle-orm';
import { subscriptions } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { encodePayload } from '../../lib/push/payload';
import type { SendResult } from '../../lib/push/sender';
import { recordAudit } from '../audit/record';
import { testSendSchema } from '../campaigns/schemas';
import { assertCan, type Ctx } from '../context';
import { processSender, sendToRecipients } from '../push/deliver';
import { Keyring } from '../vapid/keys';
import { idInProject } from '../projects/scope';
import { findProject } from '../projects/queries';
import { linksFor } from '../push/links';

/** Sends the composed notification (saved or not) to one subscriber, now. Not a campaign. */
export async function sendTestNotification(ctx: Ctx, input: unknown): Promise<SendResult> {
  assertCan(ctx, 'campaigns.send');
  const parsed = testSendSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { subscriptionId, content, options } = parsed.data;
  const [sub] = await ctx.db
    .select()
    .from(subscriptions)
    .where(and(idInProject(subscriptions, ctx, subscriptionId), eq(subscriptions.status, 'active')));
  if (!sub)
    throw new AppError('validation_failed', 'That subscriber is not active any more.', { fieldErrors: { subscriptionId: ['Not an active subscriber.'] } });
  const results = await sendToRecipients({ keyring: new Keyring(ctx.db), sender: processSender() }, [sub], {
    payload: encodePayload(content, linksFor({ slug: ctx.project.slug, origins: (await findProject(ctx.db, ctx.project.slug))?.origins ?? [] })),
    ttl: options.ttl,
    urgency: options.urgency,
    topic: options.topic,
  });
  const result = results.get(sub.id)!;
  if (result.outcome === 'gone') {
    await ctx.db
      .update(subscriptions)
      .set({ status: 'expired', endedAt: new Date(), updatedAt: new Date() })
      .where(idInProject(subscriptions, ctx, sub.id));
  }
  await recordAudit(ctx, {
    action: 'campaign.send-test',
    targetType: 'subscription',
    targetId: sub.id,
    targetLabel: sub.pushService,
    after: { title: content.title, outcome: result.outcome, status: result.status, claimId: result.claim?.id ?? null },
  });
  return result;
}
