/**
 * Creating, changing and deleting projects: installation-level work (the owner's, and the command
 * line's). A project's data all belongs to it, so deleting it is one transaction.
 */
import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../db';
import { campaigns, DEFAULT_PROJECT_ID, projects, subscriptions, topics, type CampaignStatus, type Project } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { ofProject } from './scope';
import { createFirstKey } from '../vapid/mutations';
import { forgetResolvedProjects } from './resolve';
import { findProject, noSuchProject } from './queries';
import { CAMPAIGN_EVENTS } from '../campaigns/status';
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

/** What deleting a project removed with it. */
export interface DeletedProject {
  slug: string;
  name: string;
  subscribers: number;
  campaigns: number;
  topics: number;
}

/**
 * Campaigns that are still going somewhere: the ones that could be cancelled (scheduled, queued,
 * sending, paused). A project with any of them is not deleted: its campaigns are cancelled first
 * (or left to finish), so nobody loses a send they are waiting for without saying so.
 */
const IN_PROGRESS: readonly CampaignStatus[] = CAMPAIGN_EVENTS.cancel.from;

/**
 * Deletes the project with this slug and everything of it: topics, VAPID keys and claims,
 * subscribers, campaigns with their deliveries, stats, receipts and stored messages, API and token
 * keys, the store and the memberships. Every one of those tables references `projects` with
 * ON DELETE CASCADE (db/schema.ts `projectId()`; deliveries, stats and receipts hang off campaigns
 * and subscriptions, which cascade in turn), so one DELETE removes it all, in this transaction.
 * The audit trail stays (its `project_id` has no foreign key): it is history.
 *
 * `confirmSlug` is the slug typed a second time. The default project cannot be deleted (requests
 * that name no project act in it), nor a project with a campaign in progress.
 */
export async function deleteProject(ctx: Ctx, slug: string, confirmSlug: string): Promise<DeletedProject> {
  assertCan(ctx, 'projects.manage');
  const deleted = await inTx(ctx, async (tx) => {
    const found = await findProject(tx.db, slug);
    if (!found) throw noSuchProject(slug);
    if (found.ref.id === DEFAULT_PROJECT_ID) {
      throw new AppError('unprocessable', `"${found.ref.slug}" is the default project: it cannot be deleted (requests that name no project use it).`);
    }
    // The row lock: inserts into any table of the project (a subscriber, a campaign, a key) check
    // their foreign key with FOR KEY SHARE on this row, so they wait for this transaction and then
    // fail, instead of landing in a project that is being deleted.
    const [project] = await tx.db.select().from(projects).where(eq(projects.id, found.ref.id)).for('update');
    if (!project) throw noSuchProject(slug);
    if (confirmSlug.trim().toLowerCase() !== project.slug) {
      const message = `To delete the project, repeat its slug "${project.slug}" to confirm.`;
      throw new AppError('validation_failed', message, { fieldErrors: { confirm: [message] } });
    }
    // A campaign's status changes by a conditional UPDATE of its own row (campaigns/status.ts: the
    // dashboard's send and schedule, the worker's start), which does not touch the project row. So
    // every campaign row of the project is locked here before its status is read: a change that
    // committed first is seen (and refuses the delete); one that comes later waits for this
    // transaction and then finds its row gone (not found), so none can start in between.
    const byStatus = rowsOf<{ status: CampaignStatus; n: number }>(
      await tx.db.execute(sql`
        select status, count(*)::int as n
        from (select status from ${campaigns} where project_id = ${project.id} for update) c
        group by status`),
    );
    const busy = byStatus.filter((r) => IN_PROGRESS.includes(r.status) && Number(r.n) > 0);
    if (busy.length) {
      const what = busy.map((r) => `${Number(r.n)} ${r.status}`).join(', ');
      throw new AppError(
        'conflict',
        `Project "${project.slug}" has campaigns in progress (${what}). Cancel them, or let them finish, then delete the project.`,
      );
    }
    const count = async (table: typeof subscriptions | typeof topics) =>
      Number(
        (
          await tx.db
            .select({ n: sql<number>`count(*)::int` })
            .from(table)
            .where(ofProject(table, { project: found.ref }))
        )[0]!.n,
      );
    const result: DeletedProject = {
      slug: project.slug,
      name: project.name,
      subscribers: await count(subscriptions),
      campaigns: byStatus.reduce((sum, r) => sum + Number(r.n), 0),
      topics: await count(topics),
    };
    await tx.db.delete(projects).where(eq(projects.id, project.id));
    await recordAudit(tx, {
      action: 'project.delete',
      targetType: 'project',
      targetId: project.id,
      targetLabel: project.slug,
      before: { ...view(project), subscribers: result.subscribers, campaigns: result.campaigns, topics: result.topics },
    });
    return result;
  });
  // After the commit, as for a rename: a cached lookup would otherwise still find the project.
  forgetResolvedProjects();
  return deleted;
}
