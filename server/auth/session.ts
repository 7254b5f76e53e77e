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
import { forbidden, notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '../../db';
import { can, type Permission } from '../../lib/auth/roles';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { clientIp } from '../../lib/http/client-ip';
import { readProjectHeader } from '../../lib/http/project-header';
import { adminPath, DEFAULT_SLUG, PROJECT_HEADER } from '../../lib/http/project-path';
import { makeCtx, publicCtx, type Actor, type Ctx, type ProjectRef } from '../context';
import { memberIn, projectsOf, type ProjectChoice } from '../projects/members';
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

/** The slug of the project the request's URL names (proxy.ts sets it, signed), or null for the default project. */
export async function requestedProjectSlug(): Promise<string | null> {
  return readProjectHeader((await headers()).get(PROJECT_HEADER));
}

/**
 * The signed-in user acting in the project the URL names, with their role *there* (an owner's
 * is `owner` everywhere). `project` is null when the project does not exist or the user is not a
 * member: both look the same, so a URL does not tell who has which projects. Cached per request.
 */
export const currentMember = cache(async (): Promise<{ account: UserActor; actor: UserActor | null; project: ProjectRef | null } | null> => {
  const account = await currentUser();
  if (!account) return null;
  const found = await memberIn(await getDb(), await requestedProjectSlug(), account);
  if (!found?.role) return { account, actor: null, project: null };
  return { account, actor: { ...account, role: found.role }, project: found.project };
});

/** The projects the signed-in user can open, with their role in each (for the switcher). Cached per request. */
export const currentProjects = cache(async (): Promise<ProjectChoice[]> => {
  const account = await currentUser();
  if (!account) return [];
  return projectsOf(await getDb(), { id: account.id, role: account.role });
});

/** Sign-in, then back to `path` (`/admin/…`) in the project the URL named. */
async function signInFor(path: string): Promise<string> {
  const slug = await requestedProjectSlug();
  const back = slug === null ? path : adminPath(slug, path.replace(/^\/admin/, ''));
  return `/login?callbackUrl=${encodeURIComponent(back)}`;
}

const NOT_A_MEMBER = 'There is no such project, or you are not a member of it.';

/**
 * For server actions and route handlers: the caller's context in the URL's project, or an
 * AppError (`unauthorized` without a valid session, `not_found` outside the caller's projects,
 * `forbidden` without the permission there).
 */
export async function requireCtx(permission: Permission): Promise<Ctx> {
  const member = await currentMember();
  if (!member) throw new AppError('unauthorized', 'Your session has ended. Sign in again.');
  if (!member.actor || !member.project) throw new AppError('not_found', NOT_A_MEMBER);
  if (!can(member.actor.role, permission)) throw new AppError('forbidden', 'Your role does not allow this.');
  return makeCtx(await getDb(), member.actor, { ip: await requestIp(), project: member.project });
}

/** For pages: redirects to sign-in without a session, 404 outside the user's projects, 403 without the permission. */
export async function requirePageCtx(permission: Permission, path: string): Promise<Ctx & { actor: UserActor }> {
  const member = await currentMember();
  if (!member) redirect(await signInFor(path));
  if (!member.actor || !member.project) notFound();
  if (!can(member.actor.role, permission)) forbidden();
  return makeCtx(await getDb(), member.actor, { ip: await requestIp(), project: member.project }) as Ctx & { actor: UserActor };
}

/**
 * No project: what an account-level context acts in when the user belongs to none the URL names.
 * Every scoped query matches nothing in it, and nothing can be written into it.
 */
const NO_PROJECT: ProjectRef = Object.freeze({ id: '00000000-0000-0000-0000-000000000000', slug: '' });

/**
 * For what belongs to the account rather than a project (its own password, its list of
 * projects): the signed-in user in the URL's project when they are a member of it, otherwise in
 * no project at all, so the account-level context opens no project's data.
 */
async function accountCtx(): Promise<(Ctx & { actor: UserActor }) | null> {
  const member = await currentMember();
  if (!member) return null;
  return makeCtx(await getDb(), member.actor ?? member.account, {
    ip: await requestIp(),
    project: member.project ?? NO_PROJECT,
  }) as Ctx & { actor: UserActor };
}

export async function requireAccountPageCtx(path: string): Promise<Ctx & { actor: UserActor }> {
  const ctx = await accountCtx();
  if (!ctx) redirect(await signInFor(path));
  return ctx;
}

export async function requireAccountCtx(): Promise<Ctx & { actor: UserActor }> {
  const ctx = await accountCtx();
  if (!ctx) throw new AppError('unauthorized', 'Your session has ended. Sign in again.');
  return ctx;
}

/** `path` (`/campaigns/1`) in the dashboard of the project this request's URL names: for redirects from actions. */
export async function adminUrl(path = ''): Promise<string> {
  return adminPath((await requestedProjectSlug()) ?? DEFAULT_SLUG, path);
}

/** For public pages (the subscribe page, sign-in, first-run setup): a visitor, known by address. */
export async function visitorCtx(): Promise<Ctx> {
  return publicCtx(await getDb(), await requestIp());
}

/** First-run setup: public while no user exists; the service refuses atomically once one does. */
export async function setupCtx(): Promise<Ctx> {
  return makeCtx(await getDb(), { kind: 'system', label: 'setup' }, { ip: await requestIp() });
}
