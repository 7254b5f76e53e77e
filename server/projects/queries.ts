/** Projects: the sites one installation serves (the owner's business), and finding one by slug. */
import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { projects, type Project } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { assertCan, type Ctx, type ProjectRef } from '../context';
import { slugSchema } from '../topics/schemas';

export async function listProjects(ctx: Ctx): Promise<Project[]> {
  assertCan(ctx, 'projects.manage');
  return ctx.db.select().from(projects).orderBy(asc(projects.slug));
}

/** The project a slug names; an unknown or malformed slug is `not_found`, never another project. */
export async function projectBySlug(db: Db, slug: string): Promise<ProjectRef> {
  const parsed = slugSchema.safeParse(slug);
  const [row] = parsed.success ? await db.select({ id: projects.id, slug: projects.slug }).from(projects).where(eq(projects.slug, parsed.data)) : [];
  if (!row) throw new AppError('not_found', `There is no project "${slug}".`);
  return row;
}
