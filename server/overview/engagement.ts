/**
 * The project's engagement over the last 30 days: the sent, shown and clicked counters of its
 * campaigns started in the window, summed, with the verdict of engagement-rule.ts. The counters
 * are kept on the campaign row by the engine and the receipts (first receipt of each kind per
 * delivery), so this reads one row per campaign, never deliveries.
 */
import 'server-only';
import { and, gte, lte, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { campaigns } from '../../db/schema';
import { assertCan, type Ctx } from '../context';
import { ofProject } from '../projects/scope';
import { ENGAGEMENT_WINDOW_DAYS, engagementOf, type Engagement } from './engagement-rule';

const DAY_MS = 86_400_000;

export interface ProjectEngagement extends Engagement {
  /** Campaigns started in the window that had a notification shown (a typical campaign's size). */
  campaigns: number;
  /** The window: campaigns started from `since` to `until`. */
  since: Date;
  until: Date;
}

// Sums as bigint (an int column summed can pass 2³¹); postgres.js and PGlite hand bigint back as a string.
const total = (column: AnyPgColumn) => sql<string>`coalesce(sum(${column}), 0)::bigint`.mapWith(Number);

export async function getEngagement(ctx: Ctx, { now = new Date() }: { now?: Date } = {}): Promise<ProjectEngagement> {
  assertCan(ctx, 'campaigns.read');
  const since = new Date(now.getTime() - ENGAGEMENT_WINDOW_DAYS * DAY_MS);
  // Drafts have no started_at, and a campaign scheduled later has not started: neither counts.
  const [row] = await ctx.db
    .select({
      sent: total(campaigns.sent),
      shown: total(campaigns.shown),
      clicked: total(campaigns.clicked),
      campaigns: sql<number>`count(*) filter (where ${campaigns.shown} > 0)::int`.mapWith(Number),
    })
    .from(campaigns)
    .where(and(ofProject(campaigns, ctx), gte(campaigns.startedAt, since), lte(campaigns.startedAt, now)));
  return {
    ...engagementOf({ sent: row?.sent ?? 0, shown: row?.shown ?? 0, clicked: row?.clicked ?? 0 }),
    campaigns: row?.campaigns ?? 0,
    since,
    until: now,
  };
}
