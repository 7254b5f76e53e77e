import 'server-only';
import { and, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { subscriptions } from '../../db/schema';
import { escapeLike } from '../audit/queries';
import { assertCan, type Ctx } from '../context';
import { ofProject } from '../projects/scope';

/** Active subscribers for the composer's "send a test" picker: newest first, by id prefix or push service. */
export async function searchSubscribersForTest(ctx: Ctx, q: string): Promise<{ id: string; label: string }[]> {
  assertCan(ctx, 'campaigns.send');
  // A search box: characters the database cannot compare (NUL, unpaired surrogates) are dropped.
  const term = q
    .replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .trim()
    .toLowerCase();
  const rows = await ctx.db
    .select({ id: subscriptions.id, pushService: subscriptions.pushService, createdAt: subscriptions.createdAt, userAgent: subscriptions.userAgent })
    .from(subscriptions)
    .where(
      and(
        ofProject(subscriptions, ctx),
        eq(subscriptions.status, 'active'),
        term
          ? or(
              sql`${subscriptions.id}::text like ${`${escapeLike(term)}%`}`,
              ilike(subscriptions.pushService, `%${escapeLike(term)}%`),
              ilike(subscriptions.userAgent, `%${escapeLike(term)}%`),
            )
          : undefined,
      ),
    )
    .orderBy(desc(subscriptions.id))
    .limit(20);
  return rows.map((r) => ({
    id: r.id,
    label: `${r.id.slice(-8)} · ${r.pushService}${r.userAgent ? ` · ${browserName(r.userAgent)}` : ''} · ${r.createdAt.toISOString().slice(0, 10)}`,
  }));
}

/** "Firefox 153", "Chrome 156", … from a User-Agent, for people-friendly labels. */
export function browserName(ua: string): string {
  const m = /(Firefox|Edg|OPR|Chrome|Version)\/(\d+)/.exec(ua);
  if (!m) return 'Browser';
  const name = m[1] === 'Edg' ? 'Edge' : m[1] === 'OPR' ? 'Opera' : m[1] === 'Version' ? 'Safari' : m[1]!;
  return `${name} ${m[2]}`;
}
