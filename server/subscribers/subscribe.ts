/**
 * Subscribing and unsubscribing browsers (the public API). Every check happens before anything
 * is written, and the subscription row and its topics change together (a new endpoint in one
 * statement, a known one in one transaction): a rejected request stores nothing.
 */
import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db';
import { pgArrayLiteral, pgArrayValues } from '../../db/arrays';
import { subscriptions, subscriptionTopics } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { configuredAllowlist } from '../../lib/push/allowlist';
import { fromB64u, b64u } from '../../lib/push/base64url';
import { isValidP256Point } from '../../lib/push/p256';
import { authenticateToken } from '../api/auth';
import type { Ctx, DbCtx } from '../context';
import { activePublicKey } from '../vapid/keys';
import { endpointSchema, subscribeSchema, type PushSubscriptionInput } from './subscribe-schemas';

export interface SubscribeOptions {
  userAgent?: string | null;
  /**
   * The `topics` claim of a verified token with `subscribe` scope: the request may then use
   * only these topics, private ones included.
   */
  tokenTopics?: string[];
}

export interface SubscribeResult {
  id: string;
  topics: string[];
  created: boolean;
}

function unprocessable(message: string, field: string): AppError {
  return new AppError('unprocessable', message, { fieldErrors: { [field]: [message] } });
}

/**
 * What makes a parsed PushSubscription usable, beyond its shape: an endpoint on an allowed push
 * service, a p256dh that is a point on P-256 (encryption to anything else fails or leaks), and a
 * 16-byte auth secret (RFC 8291). The subscribe API and the subscriber import both use this, so
 * an imported row passes exactly when the browser's own request would. Throws `unprocessable`
 * naming the field (prefixed as in the caller's input); returns the keys in canonical base64url.
 */
export function checkPushSubscription(subscription: PushSubscriptionInput, prefix: string): { host: string; p256dh: string; auth: string } {
  const endpoint = configuredAllowlist().check(subscription.endpoint);
  if (!endpoint.ok) throw unprocessable(endpoint.reason, `${prefix}endpoint`);
  const p256dh = fromB64u(subscription.keys.p256dh);
  if (!isValidP256Point(p256dh)) {
    throw unprocessable(`${prefix}keys.p256dh must be a 65-byte uncompressed point on P-256.`, `${prefix}keys.p256dh`);
  }
  const auth = fromB64u(subscription.keys.auth);
  if (!auth || auth.length !== 16) throw unprocessable(`${prefix}keys.auth must be 16 bytes.`, `${prefix}keys.auth`);
  return { host: endpoint.host, p256dh: b64u(p256dh), auth: b64u(auth) };
}

/**
 * The public POST /api/push/subscriptions: a signed token (scope "subscribe") in the body may
 * add the private topics it lists; without one only public topics can be chosen.
 */
export async function subscribeBrowser(ctx: Ctx, input: unknown, userAgent: string | null): Promise<SubscribeResult> {
  const token = input && typeof input === 'object' ? (input as { token?: unknown }).token : undefined;
  let tokenTopics: string[] | undefined;
  if (token !== undefined) {
    if (typeof token !== 'string') throw validationError([{ path: ['token'], message: 'token must be a string.' }], 'token must be a string.');
    const { actor, project } = await authenticateToken(ctx.db, token);
    if (project.id !== ctx.project.id) {
      throw new AppError('forbidden', `This token belongs to the project "${project.slug}"; it cannot subscribe to "${ctx.project.slug}".`);
    }
    if (!actor.scopes.includes('subscribe')) throw new AppError('forbidden', 'This token does not have the "subscribe" scope.');
    tokenTopics = actor.topics;
  }
  return subscribe(ctx, input, { userAgent, tokenTopics });
}

export async function subscribe(ctx: DbCtx, input: unknown, opts: SubscribeOptions = {}): Promise<SubscribeResult> {
  const { db } = ctx;
  const parsed = subscribeSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message ?? 'The request body is not valid.');
  const { subscription, vapidPublicKey, previousEndpoint } = parsed.data;

  const { host, p256dh, auth } = checkPushSubscription(subscription, 'subscription.');

  const slugs = [...new Set(parsed.data.topics.map((t) => t.trim().toLowerCase()))].sort();
  if (opts.tokenTopics) {
    const outside = slugs.filter((s) => !opts.tokenTopics!.includes(s));
    if (outside.length) throw new AppError('forbidden', `The token's topics do not include: ${outside.join(', ')}.`);
  }
  // Which key the browser used: the one it names (known, and handed out at some point), else the active one.
  let keyCondition;
  if (vapidPublicKey) {
    const raw = fromB64u(vapidPublicKey);
    if (!raw) throw unknownKey();
    keyCondition = sql`public_key = ${b64u(raw)} and status <> 'standby'`;
  } else {
    const active = await activePublicKey(ctx);
    if (!active) throw new AppError('unavailable', 'This server has no active VAPID key yet.');
    keyCondition = sql`id = ${active.id}`;
  }
  const row = {
    endpoint: subscription.endpoint,
    p256dh,
    auth,
    pushService: host,
    expiresAt: typeof subscription.expirationTime === 'number' ? new Date(subscription.expirationTime) : null,
    userAgent: opts.userAgent ? opts.userAgent.slice(0, 300) : null,
  };
  const replaces = previousEndpoint && previousEndpoint !== subscription.endpoint ? previousEndpoint : null;

  // One statement, one round trip, for what a burst of sign-ups is made of: checks the key and
  // the topics, and only when both pass inserts a new endpoint with its topics. An endpoint we
  // know already (or a re-subscription replacing another) comes back unwritten and takes the
  // transaction below, whose statements each see what concurrent requests committed.
  const [r] = rowsOf<{ key_id: string | null; refused: string[] | string | null; topic_ids: string[] | string | null; id: string | null }>(
    await db.execute(sql`
      with k as (
        select id from vapid_keys where project_id = ${ctx.project.id} and ${keyCondition}
      ), t as (
        select id, slug, is_public from topics where project_id = ${ctx.project.id} and slug = any(${pgArrayLiteral(slugs, true)}::text[])
      ), refused as (
        select s from unnest(${pgArrayLiteral(slugs, true)}::text[]) s
        where not exists (select 1 from t where t.slug = s and (t.is_public or t.slug = any(${pgArrayLiteral(opts.tokenTopics ?? [], true)}::text[])))
      ), ins as (
        insert into subscriptions (id, project_id, endpoint, p256dh, auth, vapid_key_id, push_service, expires_at, user_agent)
        select ${uuidv7()}, ${ctx.project.id}, ${row.endpoint}, ${row.p256dh}, ${row.auth}, k.id, ${row.pushService}, ${row.expiresAt?.toISOString() ?? null}::timestamptz, ${row.userAgent}
        from k
        where ${replaces === null} and not exists (select 1 from refused)
        on conflict (project_id, endpoint) do nothing
        returning id
      ), linked as (
        insert into subscription_topics (subscription_id, topic_id) select ins.id, t.id from ins, t
        returning 1
      )
      select (select id from k) as key_id,
             (select array_agg(s order by s) from refused) as refused,
             (select array_agg(id) from t) as topic_ids,
             (select id from ins) as id,
             (select count(*) from linked) as linked`),
  );
  if (!r?.key_id) {
    if (vapidPublicKey) throw unknownKey();
    throw new AppError('unavailable', 'This server has no active VAPID key yet.');
  }
  const refused = pgArrayValues(r.refused);
  if (refused.length) throw unprocessable(`Unknown topic${refused.length > 1 ? 's' : ''}: ${refused.join(', ')}.`, 'topics');
  if (r.id) return { id: r.id, topics: slugs, created: true };

  const keyId = r.key_id;
  const topicIds = pgArrayValues(r.topic_ids);
  return db.transaction(async (tx) => {
    const [saved] = await tx
      .insert(subscriptions)
      .values({ id: uuidv7(), projectId: ctx.project.id, ...row, vapidKeyId: keyId })
      .onConflictDoUpdate({
        target: [subscriptions.projectId, subscriptions.endpoint],
        set: {
          p256dh: row.p256dh,
          auth: row.auth,
          vapidKeyId: keyId,
          status: 'active',
          endedAt: null,
          expiresAt: row.expiresAt,
          userAgent: row.userAgent,
          updatedAt: new Date(),
        },
      })
      .returning({ id: subscriptions.id, created: sql<boolean>`(xmax = 0)` });
    const id = saved!.id;
    await tx.delete(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, id));
    if (topicIds.length) await tx.insert(subscriptionTopics).values(topicIds.map((topicId) => ({ subscriptionId: id, topicId })));
    if (replaces) await endSubscription({ db: tx as unknown as Db, project: ctx.project }, replaces, id);
    return { id, topics: slugs, created: !!saved!.created };
  });
}

const unknownKey = () => unprocessable('vapidPublicKey is not a key of this server. Fetch /api/push/vapid-public-key and subscribe again.', 'vapidPublicKey');

/** Marks the project's subscription unsubscribed and drops its topics; deliveries keep their history. */
async function endSubscription({ db, project }: DbCtx, endpoint: string, exceptId?: string): Promise<boolean> {
  const ended = await db
    .update(subscriptions)
    .set({ status: 'unsubscribed', endedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(subscriptions.projectId, project.id),
        eq(subscriptions.endpoint, endpoint),
        eq(subscriptions.status, 'active'),
        exceptId ? ne(subscriptions.id, exceptId) : undefined,
      ),
    )
    .returning({ id: subscriptions.id });
  if (ended[0]) await db.delete(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, ended[0].id));
  return ended.length > 0;
}

/** Idempotent: unknown or already-ended endpoints are fine. */
export async function unsubscribe({ db, project }: DbCtx, input: unknown): Promise<void> {
  const parsed = endpointSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message ?? 'endpoint is required.');
  await db.transaction((tx) => endSubscription({ db: tx as unknown as Db, project }, parsed.data.endpoint));
}

/** What the public page shows for a browser's own subscription (the endpoint is its secret). */
export async function lookupSubscription(
  { db, project }: DbCtx,
  input: unknown,
): Promise<{ id: string; status: string; topics: string[]; vapidPublicKey: string | null }> {
  const parsed = endpointSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message ?? 'endpoint is required.');
  const rows = await db.execute(sql`
    select s.id, s.status, k.public_key,
      coalesce((select array_agg(t.slug order by t.slug) from subscription_topics st join topics t on t.id = st.topic_id where st.subscription_id = s.id), '{}') as topics
    from subscriptions s left join vapid_keys k on k.id = s.vapid_key_id
    where s.project_id = ${project.id} and s.endpoint = ${parsed.data.endpoint}`);
  const r = rowsOf<{ id: string; status: string; public_key: string | null; topics: string[] | string }>(rows)[0];
  if (!r) throw new AppError('not_found', 'This endpoint is not subscribed.');
  const topicList = pgArrayValues(r.topics);
  return { id: r.id, status: r.status, topics: topicList, vapidPublicKey: r.public_key };
}
