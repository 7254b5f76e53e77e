/**
 * Fixed-window counters in the database, shared by every app process (login throttling must
 * hold across processes, or N processes would allow N times the attempts). One upsert per hit.
 */
import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { rowsOf } from '../../db';
import { rateLimits } from '../../db/schema';

export interface WindowState {
  count: number;
  /** When the current window ends. */
  resetAt: Date;
}

export async function hitWindow(db: Db, key: string, windowSeconds: number): Promise<WindowState> {
  const res = await db.execute(sql`
    insert into ${rateLimits} (key, window_start, count) values (${key}, now(), 1)
    on conflict (key) do update set
      count = case when ${rateLimits.windowStart} <= now() - make_interval(secs => ${windowSeconds}) then 1 else ${rateLimits.count} + 1 end,
      window_start = case when ${rateLimits.windowStart} <= now() - make_interval(secs => ${windowSeconds}) then now() else ${rateLimits.windowStart} end
    returning count, window_start + make_interval(secs => ${windowSeconds}) as reset_at`);
  const [row] = rowsOf<{ count: number; reset_at: string | Date }>(res);
  return { count: Number(row!.count), resetAt: new Date(row!.reset_at) };
}

export async function peekWindow(db: Db, key: string, windowSeconds: number): Promise<WindowState> {
  const res = await db.execute(sql`
    select count, window_start + make_interval(secs => ${windowSeconds}) as reset_at
    from ${rateLimits}
    where key = ${key} and window_start > now() - make_interval(secs => ${windowSeconds})`);
  const [row] = rowsOf<{ count: number; reset_at: string | Date }>(res);
  return row ? { count: Number(row.count), resetAt: new Date(row.reset_at) } : { count: 0, resetAt: new Date() };
}

export async function clearWindow(db: Db, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** Housekeeping: drops windows that ended more than a day ago. */
export async function pruneWindows(db: Db): Promise<void> {
  await db.delete(rateLimits).where(sql`${rateLimits.windowStart} < now() - interval '1 day'`);
}
