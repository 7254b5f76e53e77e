import 'server-only';
import { and, asc, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { projectMembers, revokedSessions, users } from '../../db/schema';
import { assertCan, type Ctx, type DbCtx } from '../context';
import { publicUser, type PublicUser } from './mutations';

/** The people of the caller's project: its members with their role here, and the owners (of every project). */
export async function listUsers(ctx: Ctx): Promise<PublicUser[]> {
  assertCan(ctx, 'users.read');
  const rows = await ctx.db
    .select({ user: users, memberRole: projectMembers.role })
    .from(users)
    .leftJoin(projectMembers, and(eq(projectMembers.userId, users.id), eq(projectMembers.projectId, ctx.project.id)))
    .where(or(eq(users.role, 'owner'), isNotNull(projectMembers.userId)))
    .orderBy(asc(users.createdAt))
    .limit(1000);
  return rows.map(({ user, memberRole }) => publicUser({ ...user, role: user.role === 'owner' ? 'owner' : memberRole! }));
}

/** Whether first-run setup is still open (no user exists yet). Public: drives /setup. */
export async function setupOpen({ db }: DbCtx): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(users)
    .limit(1);
  return !row;
}

/**
 * For session resolution: the user behind a session, fresh from the database, and whether the
 * session (by its id, when it has one) was ended by signing out — in one query.
 */
export async function findUserForSession(db: Db, id: string, sid?: string | null) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabledAt: users.disabledAt,
      sessionVersion: users.sessionVersion,
      revoked: sid ? sql<boolean>`exists (select 1 from ${revokedSessions} where ${revokedSessions.sid} = ${sid})` : sql<boolean>`false`,
    })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}
