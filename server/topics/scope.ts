/**
 * The project's topics: the condition every query on `topics` puts in its WHERE, so a topic of
 * another project is never read, counted, targeted or changed (the same slug may exist in both).
 */
import 'server-only';
import { eq, type SQL } from 'drizzle-orm';
import { topics } from '../../db/schema';
import type { DbCtx } from '../context';

export const projectTopics = (ctx: Pick<DbCtx, 'project'>): SQL => eq(topics.projectId, ctx.project.id);
