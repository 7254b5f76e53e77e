import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { subscriptions, vapidKeys } from '../../db/schema';
import { assertCan, type Ctx } from '../context';
import { ofProject } from '../projects/scope';
import { PLACEHOLDER_SUBJECT } from './keys';
import type { PublicVapidKey } from './mutations';

export type VapidKeyRow = PublicVapidKey & { activeSubscriptions: number; placeholderSubject: boolean };

/** Keys, newest first, with how many active subscriptions still use each one. */
export async function listVapidKeys(ctx: Ctx): Promise<VapidKeyRow[]> {
  assertCan(ctx, 'vapid.manage');
  const counts = ctx.db
    .select({ keyId: subscriptions.vapidKeyId, n: sql<number>`count(*)::int`.as('n') })
    .from(subscriptions)
    .where(and(ofProject(subscriptions, ctx), eq(subscriptions.status, 'active')))
    .groupBy(subscriptions.vapidKeyId)
    .as('counts');
  const rows = await ctx.db
    .select({
      id: vapidKeys.id,
      projectId: vapidKeys.projectId,
      name: vapidKeys.name,
      publicKey: vapidKeys.publicKey,
      subject: vapidKeys.subject,
      status: vapidKeys.status,
      createdAt: vapidKeys.createdAt,
      updatedAt: vapidKeys.updatedAt,
      activatedAt: vapidKeys.activatedAt,
      retiredAt: vapidKeys.retiredAt,
      activeSubscriptions: sql<number>`coalesce(${counts.n}, 0)`,
    })
    .from(vapidKeys)
    .leftJoin(counts, eq(counts.keyId, vapidKeys.id))
    .where(ofProject(vapidKeys, ctx))
    .orderBy(sql`case ${vapidKeys.status} when 'active' then 0 when 'standby' then 1 else 2 end`, desc(vapidKeys.createdAt));
  return rows.map((r) => ({ ...r, activeSubscriptions: Number(r.activeSubscriptions), placeholderSubject: r.subject === PLACEHOLDER_SUBJECT }));
}
