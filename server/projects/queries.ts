/** Projects: the sites one installation serves (the owner's business), and finding one by slug. */
import 'server-only';
import { asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db';
import { projects, type Project } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { assertCan, DEFAULT_PROJECT, type Ctx, type ProjectRef } from '../context';
import { slugSchema } from '../topics/schemas';

export async function listProjects(ctx: Ctx): Promise<Project[]> {
  assertCan(ctx, 'projects.manage');
  return ctx.db.select().from(projects).orderBy(asc(projects.slug));
}

/** The error for a slug no project has (never another project in its place). */
export const noSuchProject = (slug: string | null) => new AppError('not_found', `There is no project "${slug}".`);

/** A project found by slug (null: the default one), with the origins its public API answers. */
export interface ProjectWithOrigins {
  ref: ProjectRef;
  name: string;
  /** The sites allowed to call its public API from a browser (`*`: any). */
  origins: string[];
}

/**
 * Which project row a slug names (null: the default one), as a WHERE condition; null for a
 * malformed slug, which names none, so the caller spends no query on it.
 */
export function projectWhere(slug: string | null): SQL | null {
  if (slug === null) return eq(projects.id, DEFAULT_PROJECT.id);
  const parsed = slugSchema.safeParse(slug);
  return parsed.success ? eq(projects.slug, parsed.data) : null;
}

/** The project a slug names, or null; a malformed slug names none and costs no query. */
export async function findProject(db: Db, slug: string | null): Promise<ProjectWithOrigins | null> {
  const where = projectWhere(slug);
  if (!where) return null;
  const [row] = await db.select({ id: projects.id, slug: projects.slug, name: projects.name, origins: projects.origins }).from(projects).where(where);
  return row ? { ref: { id: row.id, slug: row.slug }, name: row.name, origins: row.origins } : null;
}

/** The project a slug names; an unknown or malformed slug is `not_found`, never another project. */
export async function projectBySlug(db: Db, slug: string): Promise<ProjectRef> {
  const found = await findProject(db, slug);
  if (!found) throw noSuchProject(slug);
  return found.ref;
}

/** What a project's public page shows of it: the project and its name. */
export interface PublicProject {
  ref: ProjectRef;
  name: string;
}

/** The project a public page's slug names, or null (unknown or malformed: the latter costs no query). */
export async function publicProjectBySlug(db: Db, slug: string): Promise<PublicProject | null> {
  const found = await findProject(db, slug);
  return found && { ref: found.ref, name: found.name };
}
