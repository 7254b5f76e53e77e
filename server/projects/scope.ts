/**
 * The condition every query on a site's data puts in its WHERE: the row belongs to the context's
 * project. A row of another project is then never read, counted or changed, whatever id the
 * caller names (the id is checked together with the project, in the same statement).
 */
import 'server-only';
import { and, eq, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbCtx } from '../context';

type Scope = Pick<DbCtx, 'project'>;

/** `table.project_id = ctx.project.id`. */
export const ofProject = (table: { projectId: AnyPgColumn }, ctx: Scope): SQL => eq(table.projectId, ctx.project.id);

/** The row `id` of `table`, only if it is the project's. */
export const idInProject = (table: { id: AnyPgColumn; projectId: AnyPgColumn }, ctx: Scope, id: string): SQL =>
  and(eq(table.projectId, ctx.project.id), eq(table.id, id))!;
