/**
 * Who is calling, resolved on the server for every page, server action and route handler.
 *
 * The session cookie only names a user; this module re-reads that user from the database and
 * refuses the session when the account is disabled, its session version moved on (role change,
 * password reset, disable), the session was signed out (server/auth/revocation.ts), or it is older
 * than SESSION_MAX_AGE_HOURS since sign-in.
 */
import 'server-only';
import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '../../db';
import { can, type Permission } from '../../lib/auth/roles';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { clientIp } from '../../lib/http/client-ip';
import { makeCtx, publicCtx, type Actor, type Ctx } from '../context';
import { findUserForSession } from '../users/queries';
import { authOptions } from './options';

export type UserActor = Extract<Actor, { kind: 'user' }>;

export function sessionStillValid(
  session: { sv: number; loginAt: number },
  user: { disabledAt: Date | null; sessionVersion: number; revoked?: boolean },
  nowSeconds = Date.now() / 1000,
  maxAgeHours = config().SESSION_MAX_AGE_HOURS,
): boolean {
  if (user.disabledAt || user.revoked) return false;
  if (session.sv !== user.sessionVersion) return false;
  return nowSeconds - session.loginAt <= maxAgeHours * 3600;
}

/** The signed-in user, or null. Cached per request. */
export const currentUser = cache(async (): Promise<UserActor | null> => {
  const session = await getServerSession(authOptions());
  const s = session?.user;
  if (!s?.id || typeof s.sv !== 'number' || typeof s.loginAt !== 'number') return null;
  const user = await findUserForSession(await getDb(), s.id, typeof s.sid === 'string' ? s.sid : null);
  if (!user || !sessionStillValid(s, user)) return null;
  return { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role };
});

export async function requestIp(): Promise<string | null> {
  return clientIp(await headers());
}

/**
 * For server actions and route handlers: the caller's context, or an AppError
 * (`unauthorized` without a valid session, `forbidden` without the permission).
 */
export async function requireCtx(permission: Permission): Promise<Ctx> {
  const actor = await currentUser();
  if (!actor) throw new AppError('unauthorized', 'Your session has ended. Sign in again.');
  if (!can(actor.role, permission)) throw new AppError('forbidden', 'Your role does not allow this.');
  return makeCtx(await getDb(), actor, { ip: await requestIp() });
}

/** For pages: redirects to sign-in without a session, renders 403 without the permission. */
export async function requirePageCtx(permission: Permission, path: string): Promise<Ctx & { actor: UserActor }> {
  const actor = await currentUser();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  if (!can(actor.role, permission)) forbidden();
  return makeCtx(await getDb(), actor, { ip: await requestIp() }) as Ctx & { actor: UserActor };
}

/** For public pages (the subscribe page, sign-in, first-run setup): a visitor, known by address. */
export async function visitorCtx(): Promise<Ctx> {
  return publicCtx(await getDb(), await requestIp());
}

/** First-run setup: public while no user exists; the service refuses atomically once one does. */
export async function setupCtx(): Promise<Ctx> {
  return makeCtx(await getDb(), { kind: 'system', label: 'setup' }, { ip: await requestIp() });
}
