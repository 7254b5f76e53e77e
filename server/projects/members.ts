/**
 * Who may act in which project. Owners administer the installation: they are owners in every
 * project. Everyone else acts only in the projects they are a member of (`project_members`),
 * with the role their membership gives them there; `users.role` says only whether an account is
 * an owner. The session resolves the role for the project a request names (server/auth/session.ts),
 * so every permission check downstream reads the role of *that* project.
 */
import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { projectMembers, projects, type Role } from '../../db/schema';
import type { ProjectRef } from '../context';
import { projectWhere } from './queries';

/** What the account's own row says: an owner is an owner everywhere. */
export interface Account {
  id: string;
  role: Role;
}

/** The project a slug names (null: the default one) and the account's role there, in one query; null when it names none. */
export async function memberIn(db: Db, slug: string | null, account: Account): Promise<{ project: ProjectRef; role: Role | null } | null> {
  const where = projectWhere(slug);
  if (!where) return null;
  const [row] = await db
    .select({ id: projects.id, slug: projects.slug, role: projectMembers.role })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, account.id)))
    .where(where);
  if (!row) return null;
  return { project: { id: row.id, slug: row.slug }, role: account.role === 'owner' ? 'owner' : row.role };
}

/** The account's role in a project: `owner` for owners, the membership's role, or null (not a member). */
export async function roleInProject(db: Db, projectId: string, account: Account): Promise<Role | null> {
  if (account.role === 'owner') return 'owner';
  const [row] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, account.id)));
  return row?.role ?? null;
}

export interface ProjectChoice extends ProjectRef {
  name: string;
  role: Role;
}

/** The projects an account can open, with its role in each (owners: all of them). For the switcher. */
export async function projectsOf(db: Db, account: Account): Promise<ProjectChoice[]> {
  if (account.role === 'owner') {
    const rows = await db.select({ id: projects.id, slug: projects.slug, name: projects.name }).from(projects).orderBy(asc(projects.name));
    return rows.map((r) => ({ ...r, role: 'owner' as const }));
  }
  return db
    .select({ id: projects.id, slug: projects.slug, name: projects.name, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, account.id))
    .orderBy(asc(projects.name));
}
