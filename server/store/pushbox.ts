/**
 * A pushbox-style store for programs: data kept per subscription with a TTL, read back in index
 * order with paging. Programs write records here and push a short pointer; whatever reads the
 * store (their own backend, or a page they serve) pages through it by index.
 */
import 'server-only';
import { requireId } from '../../lib/params';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf } from '../../db';
import { storeMessages, subscriptions } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { apiPrincipal, assertCan, type Ctx } from '../context';
import { idInProject, ofProject } from '../projects/scope';

export const MAX_STORE_DATA = 64 * 1024;
export const MAX_STORE_TTL = 30 * 24 * 3600;

export const storeWriteSchema = z
  .object({
    ttl: z
      .number({ error: 'ttl is a number of seconds.' })
      .int('ttl is whole seconds.')
      .min(1, 'ttl is at least 1 second.')
      .max(MAX_STORE_TTL, `ttl is at most ${MAX_STORE_TTL} seconds (30 days).`),
    data: z.string({ error: 'data is a string.' }).min(1, 'data is empty.').max(MAX_STORE_DATA, `data may be at most ${MAX_STORE_DATA} characters.`),
  })
  .strict();

/** A query parameter holding a plain decimal number: no `0x10`, `1e3`, signs or spaces. */
const digits = (name: string, message: string) =>
  z
    .string({ error: message })
    .regex(/^[0-9]{1,15}$/, message)
    .transform(Number);

export const storeReadSchema = z.object({
  index: digits('index', 'index is a whole number of 0 or more, in plain digits.').default(0),
  limit: digits('limit', 'limit is 1–100.').pipe(z.number().min(1, 'limit is 1–100.').max(100, 'limit is 1–100.')).default(10),
});

/**
 * Records belong to the API key or token signer that wrote them: every read and delete names the
 * owner in its WHERE, so another key sees an empty store, never someone else's records.
 */
function ownerOf(ctx: Ctx): string {
  assertCan(ctx, 'campaigns.send');
  const p = apiPrincipal(ctx.actor);
  if (!p) throw new AppError('forbidden', 'Only API keys and signed tokens use the store.');
  return p;
}

/**
 * The subscription must exist, and a caller limited to topics may only reach subscribers in them.
 * Both refusals read the same, so a limited key cannot tell which subscription ids exist.
 */
async function subscriptionExists(ctx: Ctx, subscriptionId: string) {
  requireId(subscriptionId, 'No such subscription.');
  const [row] = await ctx.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(idInProject(subscriptions, ctx, subscriptionId));
  if (!row) throw new AppError('not_found', 'No such subscription.');
  const a = ctx.actor;
  const limit =
    a.kind === 'api-key' && a.topicIds
      ? sql`st.topic_id = any(${`{${a.topicIds.join(',')}}`}::uuid[])`
      : a.kind === 'token'
        ? sql`t.slug = any(${`{${a.topics.map((s) => `"${s.replace(/["\\]/g, '')}"`).join(',')}}`}::text[])`
        : null;
  if (limit) {
    const [inside] = rowsOf(
      await ctx.db.execute(sql`
        select 1 from subscription_topics st join topics t on t.id = st.topic_id
        where st.subscription_id = ${subscriptionId} and ${limit} limit 1`),
    );
    if (!inside) throw new AppError('not_found', 'No such subscription.');
  }
}

export async function storeWrite(ctx: Ctx, subscriptionId: string, input: unknown): Promise<{ index: number }> {
  const owner = ownerOf(ctx);
  const parsed = storeWriteSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  await subscriptionExists(ctx, subscriptionId);
  const [row] = await ctx.db
    .insert(storeMessages)
    .values({ projectId: ctx.project.id, subscriptionId, owner, data: parsed.data.data, expiresAt: sql`now() + make_interval(secs => ${parsed.data.ttl})` })
    .returning({ idx: storeMessages.idx });
  return { index: row!.idx };
}

/** Records after `index`, oldest first. `last` says whether this page reaches the newest one. */
export async function storeRead(ctx: Ctx, subscriptionId: string, input: unknown) {
  const owner = ownerOf(ctx);
  const parsed = storeReadSchema.safeParse(input);
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues[0]?.message ?? 'Bad paging parameters.');
  await subscriptionExists(ctx, subscriptionId);
  const { index, limit } = parsed.data;
  const rows = await ctx.db
    .select({ index: storeMessages.idx, data: storeMessages.data })
    .from(storeMessages)
    .where(
      and(
        ofProject(storeMessages, ctx),
        eq(storeMessages.subscriptionId, subscriptionId),
        eq(storeMessages.owner, owner),
        gt(storeMessages.idx, index),
        gt(storeMessages.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(storeMessages.idx))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { last: rows.length <= limit, index: page.length ? page[page.length - 1]!.index : index, messages: page };
}

export async function storeDelete(ctx: Ctx, subscriptionId: string): Promise<void> {
  const owner = ownerOf(ctx);
  await subscriptionExists(ctx, subscriptionId);
  await ctx.db
    .delete(storeMessages)
    .where(and(ofProject(storeMessages, ctx), eq(storeMessages.subscriptionId, subscriptionId), eq(storeMessages.owner, owner)));
}
