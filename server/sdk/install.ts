/**
 * A project's installation on its sites, as the Install page shows and changes it: the origins
 * allowed to call its public API from a browser, and how the SDK prompts visitors
 * (`projects.prompt`). Both are the project admins' (INSTALL_EDIT); each change and its audit row
 * share one transaction. The public half of the prompt (what the SDK reads) is `siteConfig`.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { projects } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { promptSettingsSchema, readPromptSettings, type PromptSettings } from '../../lib/sdk/prompt-settings';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { forgetResolvedProjects } from '../projects/resolve';
import { INSTALL_EDIT, INSTALL_READ, siteOriginsSchema } from './install-schemas';

export interface InstallView {
  slug: string;
  name: string;
  origins: string[];
  prompt: PromptSettings;
  /** Whether the project saved settings of its own (false: the defaults). */
  customPrompt: boolean;
}

const gone = () => new AppError('not_found', 'This project no longer exists.');

export async function getInstallView(ctx: Ctx): Promise<InstallView> {
  assertCan(ctx, INSTALL_READ);
  const [row] = await ctx.db
    .select({ slug: projects.slug, name: projects.name, origins: projects.origins, prompt: projects.prompt })
    .from(projects)
    .where(eq(projects.id, ctx.project.id));
  if (!row) throw gone();
  return { slug: row.slug, name: row.name, origins: row.origins, prompt: readPromptSettings(row.prompt), customPrompt: row.prompt !== null };
}

/** Saves the project's prompt settings (all fields, validated); returns what is stored. */
export async function updatePromptSettings(ctx: Ctx, input: unknown): Promise<PromptSettings> {
  assertCan(ctx, INSTALL_EDIT);
  const parsed = promptSettingsSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  return inTx(ctx, async (tx) => {
    const [before] = await tx.db.select({ prompt: projects.prompt }).from(projects).where(eq(projects.id, ctx.project.id)).for('update');
    if (!before) throw gone();
    await tx.db.update(projects).set({ prompt: parsed.data, updatedAt: new Date() }).where(eq(projects.id, ctx.project.id));
    await recordAudit(tx, {
      action: 'install.update-prompt',
      targetType: 'project',
      targetId: ctx.project.id,
      targetLabel: ctx.project.slug,
      before: readPromptSettings(before.prompt),
      after: parsed.data,
    });
    return parsed.data;
  });
}

/** Replaces the origins allowed to call the project's public API (the site SDK's calls). */
export async function updateSiteOrigins(ctx: Ctx, input: unknown): Promise<string[]> {
  assertCan(ctx, INSTALL_EDIT);
  const parsed = siteOriginsSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const origins = parsed.data.origins;
  const saved = await inTx(ctx, async (tx) => {
    const [before] = await tx.db.select({ origins: projects.origins }).from(projects).where(eq(projects.id, ctx.project.id)).for('update');
    if (!before) throw gone();
    await tx.db.update(projects).set({ origins, updatedAt: new Date() }).where(eq(projects.id, ctx.project.id));
    await recordAudit(tx, {
      action: 'install.update-origins',
      targetType: 'project',
      targetId: ctx.project.id,
      targetLabel: ctx.project.slug,
      before: { origins: before.origins },
      after: { origins },
    });
    return origins;
  });
  // After the commit, as updateProject does: a lookup meanwhile would cache the old origins again.
  forgetResolvedProjects();
  return saved;
}
