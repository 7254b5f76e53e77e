/**
 * Reading the audit log: filters and keyset paging (newest first, `before` = the last id seen),
 * so deep pages cost what the first one does.
 */
import 'server-only';
import { and, desc, eq, gte, ilike, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditLogs } from '../../db/schema';
import { dateParam } from '../../lib/params';
import { validationError } from '../../lib/errors';
import { actorRole, assertCan, type Ctx } from '../context';

export const auditFilterSchema = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(200).optional(),
  targetType: z.string().trim().max(50).optional(),
  targetId: z.string().trim().max(200).optional(),
  from: dateParam().optional(),
  to: dateParam().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

/**
 * This project's entries, and for owners the installation-wide ones too (accounts, projects,
 * settings): a project's admin does not read about other projects' people. Never another project's.
 */
const inScope = (ctx: Ctx): SQL =>
  actorRole(ctx.actor) === 'owner' ? or(eq(auditLogs.projectId, ctx.project.id), isNull(auditLogs.projectId))! : eq(auditLogs.projectId, ctx.project.id);

export async function listAuditLogs(ctx: Ctx, input: AuditFilter) {
  assertCan(ctx, 'audit.read');
  const parsed = auditFilterSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const f = parsed.data;
  const where: SQL[] = [inScope(ctx)];
  if (f.action) where.push(f.action.endsWith('.') ? ilike(auditLogs.action, `${escapeLike(f.action)}%`) : eq(auditLogs.action, f.action));
  if (f.actor) where.push(ilike(auditLogs.actorLabel, `%${escapeLike(f.actor)}%`));
  if (f.targetType) where.push(eq(auditLogs.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLogs.targetId, f.targetId));
  if (f.from) where.push(gte(auditLogs.at, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) where.push(lte(auditLogs.at, new Date(`${f.to}T23:59:59.999Z`)));
  if (f.before) where.push(lt(auditLogs.id, f.before));
  const rows = await ctx.db
    .select()
    .from(auditLogs)
    .where(and(...where))
    .orderBy(desc(auditLogs.id))
    .limit(f.limit + 1);
  const hasMore = rows.length > f.limit;
  const items = hasMore ? rows.slice(0, f.limit) : rows;
  return { items, nextBefore: hasMore ? items[items.length - 1]!.id : null };
}

/** Distinct action names, for the filter's drop-down. */
export async function listAuditActions(ctx: Ctx): Promise<string[]> {
  assertCan(ctx, 'audit.read');
  const rows = await ctx.db.selectDistinct({ action: auditLogs.action }).from(auditLogs).where(inScope(ctx)).orderBy(auditLogs.action).limit(500);
  return rows.map((r) => r.action);
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
