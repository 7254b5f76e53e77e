/**
 * Who a campaign reaches, as SQL over `subscriptions s`: active subscriptions, filtered by topics
 * (any of / all of), minus excluded topics. Used by the live count in the composer and by the
 * fan-out, so what the marketer sees counted is exactly what gets targeted. Always within one
 * project: the condition names it first (and the (project_id, status, id) index serves it).
 */
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { DbCtx } from '../context';
import { rowsOf } from '../../db';
import type { AudienceMode } from '../../db/schema';

export interface Audience {
  /** The campaign's project: only its subscriptions (and its topics' members) are reached. */
  projectId: string;
  audience: AudienceMode;
  topicIds: string[];
  excludeTopicIds: string[];
}

const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** A boolean SQL condition on the alias `s` (subscriptions). */
export function audienceCondition(a: Audience): SQL {
  const parts: SQL[] = [sql`s.project_id = ${a.projectId}`, sql`s.status = 'active'`];
  if (a.audience === 'any' && a.topicIds.length) {
    parts.push(sql`exists (select 1 from subscription_topics st where st.subscription_id = s.id and st.topic_id = any(${uuidArray(a.topicIds)}))`);
  } else if (a.audience === 'every' && a.topicIds.length) {
    parts.push(
      sql`(select count(*) from subscription_topics st where st.subscription_id = s.id and st.topic_id = any(${uuidArray(a.topicIds)})) = ${a.topicIds.length}`,
    );
  } else if (a.audience !== 'all') {
    parts.push(sql`false`); // a topic audience without topics reaches nobody
  }
  if (a.excludeTopicIds.length) {
    parts.push(sql`not exists (select 1 from subscription_topics sx where sx.subscription_id = s.id and sx.topic_id = any(${uuidArray(a.excludeTopicIds)}))`);
  }
  return sql.join(parts, sql` and `);
}

/** How many the audience reaches in the context's project. */
export async function countAudience({ db, project }: DbCtx, a: Omit<Audience, 'projectId'>): Promise<number> {
  const res = await db.execute(sql`select count(*)::int as n from subscriptions s where ${audienceCondition({ ...a, projectId: project.id })}`);
  return Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
}
