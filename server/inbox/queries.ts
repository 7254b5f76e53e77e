/**
 * The public inbox: recent campaigns a visitor following some public topics would have received,
 * for browsers without Web Push and for live updates on the public page. Ordered by the
 * sequence number each campaign got when it started sending; the newest one is the ETag.
 */
import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '../../db';
import { topics } from '../../db/schema';
import { projectTopics } from '../topics/scope';
import type { DbCtx } from '../context';

export interface InboxItem {
  id: string;
  title: string;
  body: string | null;
  url: string | null;
  icon: string | null;
  image: string | null;
  sentAt: string;
}

export const INBOX_LIMIT = 20;

/** Public topic ids for these slugs (private and unknown slugs are ignored). */
export async function publicTopicIds({ db, project }: DbCtx, slugs: string[]): Promise<string[]> {
  if (!slugs.length) return [];
  const rows = await db
    .select({ id: topics.id })
    .from(topics)
    .where(and(projectTopics({ project }), inArray(topics.slug, slugs), eq(topics.isPublic, true)));
  return rows.map((r) => r.id);
}

/**
 * Campaigns reaching someone who follows exactly `topicIds`: sent to everyone, to any of topics
 * that include one of these, or to all of topics that are all among these — and not excluding
 * any of them. Cancelled campaigns and drafts never show.
 */
export async function readInbox({ db, project }: DbCtx, topicIds: string[]): Promise<{ etag: string; items: InboxItem[] }> {
  const ids = sql`${`{${topicIds.join(',')}}`}::uuid[]`;
  const rows = rowsOf<{
    id: string;
    content: { title: string; body?: string; url?: string; icon?: string; image?: string };
    started_at: string | Date;
    published_seq: number | string;
  }>(
    await db.execute(sql`
      select id, content, started_at, published_seq from campaigns
      where project_id = ${project.id} and published_seq is not null and status in ('sending', 'paused', 'completed')
        and (audience = 'all'
             or (audience = 'any' and topic_ids && ${ids})
             or (audience = 'every' and topic_ids <@ ${ids} and cardinality(topic_ids) > 0))
        and not (exclude_topic_ids && ${ids})
      order by published_seq desc
      limit ${INBOX_LIMIT}`),
  );
  const items = rows.map((r) => ({
    id: r.id,
    title: r.content.title,
    body: r.content.body ?? null,
    url: r.content.url ?? null,
    icon: r.content.icon ?? null,
    image: r.content.image ?? null,
    sentAt: new Date(r.started_at).toISOString(),
  }));
  return { etag: `"${rows[0] ? String(rows[0].published_seq) : '0'}"`, items };
}
