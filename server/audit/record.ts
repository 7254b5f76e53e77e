/**
 * Writes an audit row. Always called with the transaction that makes the change, so the change
 * and its record commit (or roll back) together.
 */
import { auditLogs } from '../../db/schema';
import { actorLabel, type Ctx } from '../context';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  targetLabel?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Actions on the installation rather than on one site's data: their rows carry no project (the
 * same rule migration 0007 applied to older rows).
 */
export const INSTALLATION_DOMAINS: readonly string[] = ['user', 'project', 'settings', 'setup'];

export const isInstallationAction = (action: string) => INSTALLATION_DOMAINS.includes(action.split('.', 1)[0]!);

export async function recordAudit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  await ctx.db.insert(auditLogs).values({
    projectId: isInstallationAction(entry.action) ? null : ctx.project.id,
    actorId: ctx.actor.kind === 'user' ? ctx.actor.id : null,
    actorLabel: actorLabel(ctx.actor),
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: ctx.ip ?? null,
  });
}
