/**
 * The programmatic send (POST /api/v1/notifications, POST /broadcast): a campaign with source
 * "api", created and queued (or scheduled) in one transaction. An Idempotency-Key makes a
 * retried request return the campaign the first one created and send nothing twice.
 *
 * Topic limits: an API key restricted to topics, or a signed token (its `topics` claim), may only
 * target those topics; anything else, existing or not, is the same 403 naming it.
 */
import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db';
import { campaigns, tokenUses, topics, type Campaign } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { dateTimeParam, MAX_INSTANT_MS } from '../../lib/params';
import { actionSchema, deliveryOptionsSchema, measurePayload, notificationSchema } from '../../lib/push/payload';
import { apiPrincipal, assertCan, inTx, type Ctx } from '../context';
import { createCampaign, scheduleCampaignAt, sendCampaignNow } from '../campaigns/mutations';
import { campaignNameFrom } from '../campaigns/schemas';
import { countAudience } from '../delivery/audience';
import { SLUG_RE } from '../topics/schemas';
import { projectTopics } from '../topics/scope';

const slug = z.string({ error: 'Topics are slugs (strings).' }).trim().toLowerCase().regex(SLUG_RE, 'A topic slug is lowercase letters, digits and hyphens.');
const n = notificationSchema.shape;
const o = deliveryOptionsSchema.shape;

export const v1NotificationSchema = z
  .object({
    topics: z.array(slug, { error: 'topics is a list of topic slugs.' }).min(1, 'Give at least one topic.').max(50, 'At most 50 topics.'),
    match: z.enum(['any', 'all'], { error: 'match is "any" or "all".' }).default('any'),
    exclude: z.array(slug).max(50, 'At most 50 excluded topics.').default([]),
    title: n.title,
    body: n.body,
    url: n.url,
    icon: n.icon,
    image: n.image,
    badge: n.badge,
    tag: n.tag,
    renotify: z.boolean().optional(),
    requireInteraction: z.boolean().optional(),
    silent: z.boolean().optional(),
    lang: n.lang,
    dir: n.dir,
    appBadge: n.appBadge,
    actions: z.array(actionSchema).max(2, 'At most two actions.').optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    ttl: o.ttl,
    urgency: o.urgency,
    topic: o.topic,
    sendAt: dateTimeParam('sendAt is an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z').optional(),
    /** Deliver through the server even when it would fit one push (it always does when it does not). */
    store: z.boolean().optional(),
  })
  .strict();

export type V1Notification = z.input<typeof v1NotificationSchema>;

export interface ApiSendResult {
  campaignId: string;
  status: Campaign['status'];
  recipients: number;
  /** True when an Idempotency-Key matched an earlier request. */
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,200}$/;

function isUniqueViolation(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined, i = 0; x && i < 4; x = x.cause as typeof x, i++) {
    if (x.code === '23505') return true;
  }
  return false;
}

/**
 * Resolves slugs to topic ids, enforcing the caller's topic limits. A caller limited to some
 * topics gets one answer for every slug outside them, whether or not such a topic exists, so it
 * cannot map the topics it may not use; only unrestricted callers hear "unknown topic".
 */
async function resolveTopics(ctx: Ctx, targets: string[], excluded: string[]): Promise<{ targetIds: string[]; excludeIds: string[] }> {
  const all = [...new Set([...targets, ...excluded])];
  const rows = all.length
    ? await ctx.db
        .select({ id: topics.id, slug: topics.slug })
        .from(topics)
        .where(and(projectTopics(ctx), inArray(topics.slug, all)))
    : [];
  const bySlug = new Map(rows.map((r) => [r.slug, r.id]));
  const a = ctx.actor;
  const mayUse =
    a.kind === 'api-key' && a.topicIds
      ? (s: string) => bySlug.has(s) && a.topicIds!.includes(bySlug.get(s)!)
      : a.kind === 'token'
        ? (s: string) => a.topics.includes(s)
        : null;
  if (mayUse) {
    const denied = [...new Set(targets)].filter((s) => !mayUse(s));
    if (denied.length) {
      const who = a.kind === 'token' ? "The token's topics do not include" : 'This API key may not send to';
      throw new AppError('forbidden', `${who}: ${denied.join(', ')}.`, { fieldErrors: { topics: [`Not allowed: ${denied.join(', ')}`] } });
    }
    // Within its own topics a caller may hear that one does not exist (yet).
    const missing = [...new Set(targets)].filter((s) => !bySlug.has(s));
    if (missing.length)
      throw new AppError('unprocessable', `Unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`, {
        fieldErrors: { topics: [`Unknown: ${missing.join(', ')}`] },
      });
    // Excluding a topic never widens the audience, so a limited caller may exclude any topic; one
    // that does not exist excludes nobody, and is not reported (that would say which ones exist).
    return {
      targetIds: [...new Set(targets)].map((s) => bySlug.get(s)!),
      excludeIds: [...new Set(excluded)].filter((s) => bySlug.has(s)).map((s) => bySlug.get(s)!),
    };
  }
  const unknown = all.filter((s) => !bySlug.has(s));
  if (unknown.length)
    throw new AppError('unprocessable', `Unknown topic${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, {
      fieldErrors: { topics: [`Unknown: ${unknown.join(', ')}`] },
    });
  return { targetIds: [...new Set(targets)].map((s) => bySlug.get(s)!), excludeIds: [...new Set(excluded)].map((s) => bySlug.get(s)!) };
}

async function spendTokenId(tx: Ctx): Promise<void> {
  const a = tx.actor;
  if (a.kind !== 'token' || !a.jti) return;
  const [row] = await tx.db
    .insert(tokenUses)
    .values({ signer: a.fingerprint, jti: a.jti, expiresAt: new Date(Math.min((a.expiresAt ?? 0) * 1000 + 60_000, MAX_INSTANT_MS)) })
    .onConflictDoNothing()
    .returning({ jti: tokenUses.jti });
  if (!row) throw new AppError('conflict', `This token (jti ${JSON.stringify(a.jti)}) has already been used to send. Sign a new token for each send.`);
}

async function existing(db: Db, principal: string, key: string): Promise<ApiSendResult | null> {
  const [c] = await db
    .select({ id: campaigns.id, status: campaigns.status, targeted: campaigns.targeted })
    .from(campaigns)
    .where(and(eq(campaigns.apiPrincipal, principal), eq(campaigns.idempotencyKey, key)));
  return c ? { campaignId: c.id, status: c.status, recipients: c.targeted, replayed: true } : null;
}

export async function sendApiNotification(ctx: Ctx, body: unknown, idempotencyKey: string | null): Promise<ApiSendResult> {
  // The scope first: a key without "send" learns nothing about the body, nor about earlier sends.
  assertCan(ctx, 'campaigns.send');
  const parsed = v1NotificationSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const v = parsed.data;
  const principal = apiPrincipal(ctx.actor);
  if (!principal) throw new AppError('forbidden', 'Only API keys and signed tokens use this endpoint.');
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY_RE.test(idempotencyKey)) {
    throw new AppError('bad_request', 'Idempotency-Key must be 1–200 visible ASCII characters.');
  }
  if (idempotencyKey) {
    const seen = await existing(ctx.db, principal, idempotencyKey);
    if (seen) return seen;
  }
  const { targetIds, excludeIds } = await resolveTopics(ctx, v.topics, v.exclude);
  const input = {
    name: campaignNameFrom(v.title),
    content: {
      title: v.title,
      body: v.body,
      url: v.url,
      icon: v.icon,
      image: v.image,
      badge: v.badge,
      tag: v.tag,
      renotify: v.renotify ?? false,
      requireInteraction: v.requireInteraction ?? false,
      silent: v.silent ?? false,
      lang: v.lang,
      dir: v.dir,
      appBadge: v.appBadge,
      actions: v.actions ?? [],
      data: v.data ?? null,
    },
    options: { ttl: v.ttl, urgency: v.urgency, topic: v.topic },
    audience: v.match === 'all' ? ('every' as const) : ('any' as const),
    topicIds: targetIds,
    excludeTopicIds: excludeIds,
    storeOnServer: false,
  };
  // Too large for one push: deliver it through the server rather than refuse it.
  input.storeOnServer = v.store === true || !measurePayload({ ...input.content, data: input.content.data ?? undefined }).fits;
  const recipients = await countAudience(ctx, { audience: input.audience, topicIds: targetIds, excludeTopicIds: excludeIds });
  try {
    const c = await inTx(ctx, async (tx) => {
      await spendTokenId(tx);
      const draft = await createCampaign(tx, input, {
        source: 'api',
        apiKeyId: ctx.actor.kind === 'api-key' ? ctx.actor.id : null,
        apiPrincipal: principal,
        idempotencyKey,
      });
      return v.sendAt ? scheduleCampaignAt(tx, draft.id, new Date(v.sendAt)) : sendCampaignNow(tx, { id: draft.id });
    });
    return { campaignId: c.id, status: c.status, recipients, replayed: false };
  } catch (e) {
    // Two requests with the same key at once: the loser returns what the winner created.
    if (idempotencyKey && isUniqueViolation(e)) {
      const seen = await existing(ctx.db, principal, idempotencyKey);
      if (seen) return seen;
    }
    throw e;
  }
}
