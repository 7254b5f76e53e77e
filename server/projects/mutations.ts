/**
 * Creating and changing projects: installation-level work (the owner's, and the command line's).
 * Deleting a project comes once all of a site's data belongs to one, so that it can go in one
 * transaction.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { projects, type Project } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { createFirstKey } from '../vapid/mutations';
import { forgetResolvedProjects } from './resolve';
import { noSuchProject } from './queries';
import { PLACEHOLDER_SUBJECT } from '../vapid/keys';
import { config } from '../../lib/env';
import { projectPatchSchema, projectSchema } from './schemas';

const view = (p: Project) => ({ slug: p.slug, name: p.name, origins: p.origins });

/** A project as the v1 API shows it. */
export const apiProjectView = (p: Project) => ({ ...view(p), createdAt: p.createdAt.toISOString() });
const slugTaken = () =>
  new AppError('conflict', 'A project with that slug already exists.', { fieldErrors: { slug: ['A project with that slug already exists.'] } });

export async function createProject(ctx: Ctx, input: unknown): Promise<Project> {
  assertCan(ctx, 'projects.manage');
  const parsed = projectSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const created = await inTx(ctx, async (tx) => {
    const [row] = await tx.db.insert(projects).values(parsed.data).onConflictDoNothing({ target: projects.slug }).returning();
    if (!row) throw slugTaken();
    await recordAudit(tx, { action: 'project.create', targetType: 'project', targetId: row.id, targetLabel: row.slug, after: view(row) });
    // Its own VAPID key, active at once, so the new site can subscribe visitors straight away.
    const subject = config().VAPID_SUBJECT || (ctx.actor.kind === 'user' ? `mailto:${ctx.actor.email}` : PLACEHOLDER_SUBJECT);
    await createFirstKey({ ...tx, project: { id: row.id, slug: row.slug } }, subject);
    return row;
  });
  forgetResolvedProjects();
  return created;
}

/** Changes the slug, name or origins of the project with this slug. */
export async function updateProject(ctx: Ctx, slug: string, input: unknown): Promise<Project> {
  assertCan(ctx, 'projects.manage');
  const parsed = projectPatchSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const updated = await inTx(ctx, async (tx) => {
    const [before] = await tx.db.select().from(projects).where(eq(projects.slug, slug.trim().toLowerCase())).for('update');
    if (!before) throw noSuchProject(slug);
    if (parsed.data.slug && parsed.data.slug !== before.slug) {
      const [clash] = await tx.db.select({ id: projects.id }).from(projects).where(eq(projects.slug, parsed.data.slug));
      if (clash) throw slugTaken();
    }
    const [row] = await tx.db
      .update(projects)
      .set({ ...parsed.data, updatedAt: new Date() })
      .where(eq(projects.id, before.id))
      .returning();
    await recordAudit(tx, {
      action: 'project.update',
      targetType: 'project',
      targetId: row!.id,
      targetLabel: row!.slug,
      before: view(before),
      after: view(row!),
    });
    return row!;
  });
  // After the commit: a lookup made meanwhile would otherwise cache the old origins again.
  forgetResolvedProjects();
  return updated;
}
