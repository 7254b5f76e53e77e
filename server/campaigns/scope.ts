/**
 * A campaign's own rows (deliveries, stats, receipts) carry no project: they belong to it through
 * the campaign. Queries on them compare campaign_id with this scalar subquery, which yields the id
 * only when the campaign is the context's project's, so a guessed id of another project's campaign
 * matches nothing (one index probe on campaigns' primary key).
 */
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { campaigns } from '../../db/schema';
import type { DbCtx } from '../context';

export const campaignOfProject = (ctx: Pick<DbCtx, 'project'>, id: string): SQL =>
  sql`(select ${campaigns.id} from ${campaigns} where ${campaigns.id} = ${id} and ${campaigns.projectId} = ${ctx.project.id})`;
