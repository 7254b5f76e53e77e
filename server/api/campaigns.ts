/**
 * Campaigns as the API shows them: only those the calling key (or token signer) created.
 */
import 'server-only';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { campaigns, type Campaign } from '../../db/schema';
import { cursorInstant, intParam, isId, requireId } from '../../lib/params';
import { AppError } from '../../lib/errors';
import { apiPrincipal, assertCan, type Ctx } from '../context';
import { idInProject, ofProject } from '../projects/scope';

export function apiCampaignView(c: Campaign) {
  const finished = c.sent + c.failed + c.expired + c.skipped;
  return {
    id: c.id,
    status: c.status,
    title: (c.content as { title?: string }).title ?? c.name,
    source: c.source,
    createdAt: c.createdAt.toISOString(),
    scheduledAt: c.scheduledAt?.toISOString() ?? null,
    startedAt: c.startedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
    counts: { targeted: c.targeted, sent: c.sent, failed: c.failed, expired: c.expired, skipped: c.skipped, pending: Math.max(0, c.targeted - finished) },
    receipts: { shown: c.shown, clicked: c.clicked, closed: c.closed },
  };
}
export type ApiCampaign = ReturnType<typeof apiCampaignView>;

function principalOf(ctx: Ctx): string {
  assertCan(ctx, 'campaigns.read');
  const p = apiPrincipal(ctx.actor);
  if (!p) throw new AppError('forbidden', 'Only API keys and signed tokens use this endpoint.');
  return p;
}

export async function getApiCampaign(ctx: Ctx, id: string): Promise<ApiCampaign> {
  const principal = principalOf(ctx);
  requireId(id, 'No such campaign.');
  const [c] = await ctx.db
    .select()
    .from(campaigns)
    .where(and(idInProject(campaigns, ctx, id), eq(campaigns.apiPrincipal, principal)));
  if (!c) throw new AppError('not_found', 'No such campaign (or it was not created with this key).');
  return apiCampaignView(c);
}

export const apiCampaignListSchema = z.object({
  limit: intParam(1, 100, 'limit is 1–100, in plain digits.').default(20),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
});

export async function listApiCampaigns(ctx: Ctx, input: unknown) {
  const principal = principalOf(ctx);
  const parsed = apiCampaignListSchema.safeParse(input);
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues[0]?.message ?? 'Bad paging parameters.');
  const { limit, cursor } = parsed.data;
  let after: { at: Date; id: string } | null = null;
  if (cursor) {
    const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
    const date = cursorInstant(at);
    if (!date || !isId(id)) throw new AppError('bad_request', 'That cursor is not valid: pass the nextCursor of the previous page.');
    after = { at: date, id: id! };
  }
  const rows = await ctx.db
    .select()
    .from(campaigns)
    .where(
      and(
        ofProject(campaigns, ctx),
        eq(campaigns.apiPrincipal, principal),
        after ? or(lt(campaigns.createdAt, after.at), and(eq(campaigns.createdAt, after.at), lt(campaigns.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    campaigns: page.map(apiCampaignView),
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null,
  };
}
