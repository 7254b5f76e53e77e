/**
 * Campaign life cycle, as marketers drive it: save drafts, send now, schedule, cancel, pause,
 * resume, duplicate (the test send is delivery/test-send.ts). Every state change is a conditional update on the current
 * status (two clicks cannot both win), audited, and — where work starts — enqueued in the same
 * transaction, so a campaign is never "sending" without a job to send it.
 */
import 'server-only';
import { and, inArray, sql } from 'drizzle-orm';
import { campaigns, deliveries, topics, type Campaign } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { requireId } from '../../lib/params';
import { formatInZone, isTimeZone, zonedToUtc } from '../../lib/time';
import { recordAudit } from '../audit/record';
import { actorLabel, assertCan, inTx, type Ctx, type DbCtx } from '../context';
import { idInProject } from '../projects/scope';
import { enqueueFanout, enqueueStart } from '../jobs';
import { CAMPAIGN_EVENTS, CANCELLED_REASON, DELETABLE, EDITABLE, targetOf, type CampaignEvent } from './status';
import { campaignIdSchema, campaignInputSchema, scheduleSchema, type ParsedCampaignInput } from './schemas';
import { projectTopics } from '../topics/scope';

function parseInput(input: unknown): ParsedCampaignInput {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/** The topics, of this project, exist (an id from another project counts as gone). */
async function assertTopicsExist(ctx: Ctx, ids: string[]) {
  if (!ids.length) return;
  const found = await ctx.db
    .select({ id: topics.id })
    .from(topics)
    .where(and(projectTopics(ctx), inArray(topics.id, ids)));
  if (found.length !== new Set(ids).size) {
    throw new AppError('validation_failed', 'A chosen topic no longer exists. Pick the topics again.', {
      fieldErrors: { topicIds: ['A chosen topic no longer exists.'] },
    });
  }
}

function columns(v: ParsedCampaignInput) {
  return {
    name: v.name || v.content.title,
    content: v.content,
    ttl: v.options.ttl,
    urgency: v.options.urgency,
    pushTopic: v.options.topic ?? null,
    audience: v.audience,
    topicIds: [...new Set(v.topicIds)],
    excludeTopicIds: [...new Set(v.excludeTopicIds)],
    storeContent: v.storeOnServer,
  };
}

const auditView = (c: Campaign) => ({ name: c.name, status: c.status, audience: c.audience, scheduledAt: c.scheduledAt?.toISOString() ?? null });

export interface CampaignOrigin {
  source?: 'dashboard' | 'api';
  apiKeyId?: string | null;
  apiPrincipal?: string | null;
  idempotencyKey?: string | null;
}

export async function createCampaign(ctx: Ctx, input: unknown, extra: CampaignOrigin = {}): Promise<Campaign> {
  assertCan(ctx, 'campaigns.write');
  const v = parseInput(input);
  await assertTopicsExist(ctx, [...v.topicIds, ...v.excludeTopicIds]);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(campaigns)
      .values({
        projectId: ctx.project.id,
        ...columns(v),
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        createdByLabel: actorLabel(ctx.actor),
        source: extra.source ?? 'dashboard',
        apiKeyId: extra.apiKeyId ?? null,
        apiPrincipal: extra.apiPrincipal ?? null,
        idempotencyKey: extra.idempotencyKey ?? null,
      })
      .returning();
    await recordAudit(tx, { action: 'campaign.create', targetType: 'campaign', targetId: row!.id, targetLabel: row!.name, after: auditView(row!) });
    return row!;
  });
}

export async function updateCampaign(ctx: Ctx, id: string, input: unknown): Promise<Campaign> {
  assertCan(ctx, 'campaigns.write');
  requireId(id, 'That campaign does not exist.');
  const v = parseInput(input);
  await assertTopicsExist(ctx, [...v.topicIds, ...v.excludeTopicIds]);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .update(campaigns)
      .set({ ...columns(v), updatedAt: new Date() })
      .where(and(idInProject(campaigns, tx, id), inArray(campaigns.status, [...EDITABLE])))
      .returning();
    if (!row) throw await notInState(tx, id, 'Only drafts can be edited. Duplicate the campaign to change it.');
    await recordAudit(tx, { action: 'campaign.update', targetType: 'campaign', targetId: id, targetLabel: row.name, after: auditView(row) });
    return row;
  });
}

async function notInState(tx: DbCtx, id: string, message: string): Promise<AppError> {
  const [c] = await tx.db
    .select({ status: campaigns.status })
    .from(campaigns)
    .where(idInProject(campaigns, tx, id));
  return c ? new AppError('conflict', `${message} (It is ${c.status}.)`) : new AppError('not_found', 'That campaign does not exist.');
}

/** Applies `event` (status.ts) to `id`; throws a clear conflict when its status does not allow it. */
async function transition(tx: Ctx, id: string, event: CampaignEvent, set: Partial<typeof campaigns.$inferInsert>, message: string): Promise<Campaign> {
  const [row] = await tx.db
    .update(campaigns)
    .set({ ...set, status: targetOf(event), updatedAt: new Date() })
    .where(and(idInProject(campaigns, tx, id), inArray(campaigns.status, [...CAMPAIGN_EVENTS[event].from])))
    .returning();
  if (!row) throw await notInState(tx, id, message);
  return row;
}

/** A campaign id from an action's argument; anything but a UUID names no campaign. */
function parseId(input: unknown): string {
  const parsed = campaignIdSchema.safeParse(input);
  if (!parsed.success) throw new AppError('not_found', 'That campaign does not exist.');
  return parsed.data.id;
}

export async function sendCampaignNow(ctx: Ctx, input: unknown): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send');
  const id = parseId(input);
  const boss = await ctx.queue();
  return inTx(ctx, async (tx) => {
    await revalidateForSending(tx, id);
    const row = await transition(tx, id, 'send', { scheduledAt: null, timeZone: null }, 'Only a draft can be sent.');
    await enqueueStart(boss, id, { db: tx.db });
    await recordAudit(tx, {
      action: 'campaign.send',
      targetType: 'campaign',
      targetId: id,
      targetLabel: row.name,
      before: { status: 'draft' },
      after: { status: 'queued' },
    });
    return row;
  });
}

/** Topics may have been deleted since the draft was saved. */
async function revalidateForSending(tx: Ctx, id: string) {
  const [c] = await tx.db
    .select()
    .from(campaigns)
    .where(idInProject(campaigns, tx, id));
  if (!c) throw new AppError('not_found', 'That campaign does not exist.');
  await assertTopicsExist(tx, [...c.topicIds, ...c.excludeTopicIds]);
}

/**
 * The instant a schedule form names, checked without touching anything: a real wall-clock time in
 * a known zone, at least a minute and at most a year ahead. Save-and-schedule calls it before it
 * saves, so a bad time leaves no stray draft behind.
 */
export function resolveSchedule(input: unknown, now = new Date()): { id: string; at: Date; timeZone: string } {
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { id, localTime, timeZone } = parsed.data;
  if (!isTimeZone(timeZone)) throw new AppError('validation_failed', 'Unknown time zone.', { fieldErrors: { timeZone: ['Unknown time zone.'] } });
  const at = zonedToUtc(localTime, timeZone);
  if (!at) {
    const msg = `${localTime.replace('T', ' ')} is not a date and time on the calendar. Choose another.`;
    throw new AppError('validation_failed', msg, { fieldErrors: { localTime: [msg] } });
  }
  assertScheduleWindow(at, now);
  return { id, at, timeZone };
}

function assertScheduleWindow(at: Date, now: Date): void {
  if (at.getTime() < now.getTime() + 30_000) {
    throw new AppError('validation_failed', 'Choose a time at least a minute from now (or send it now).', {
      fieldErrors: { localTime: ['That time has passed.'] },
    });
  }
  if (at.getTime() > now.getTime() + 366 * 24 * 3600 * 1000) {
    throw new AppError('validation_failed', 'Schedule at most a year ahead.', { fieldErrors: { localTime: ['At most a year ahead.'] } });
  }
}

export async function scheduleCampaign(ctx: Ctx, input: unknown, now = new Date()): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send');
  const { id, at, timeZone } = resolveSchedule(input, now);
  return scheduleCampaignAt(ctx, id, at, timeZone, now);
}

/** Schedules a draft for an instant (the API passes one directly). */
export async function scheduleCampaignAt(ctx: Ctx, id: string, at: Date, timeZone = 'UTC', now = new Date()): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send');
  assertScheduleWindow(at, now);
  const boss = await ctx.queue();
  return inTx(ctx, async (tx) => {
    await revalidateForSending(tx, id);
    const row = await transition(tx, id, 'schedule', { scheduledAt: at, timeZone }, 'Only a draft can be scheduled.');
    await enqueueStart(boss, id, { db: tx.db, startAfter: at });
    await recordAudit(tx, {
      action: 'campaign.schedule',
      targetType: 'campaign',
      targetId: id,
      targetLabel: row.name,
      before: { status: 'draft' },
      after: { status: 'scheduled', at: at.toISOString(), local: formatInZone(at, timeZone) },
    });
    return row;
  });
}

/** Stops a campaign for good: scheduled or queued ones never start; sending ones send no more. */
export async function cancelCampaign(ctx: Ctx, input: unknown): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send');
  const id = parseId(input);
  return inTx(ctx, async (tx) => {
    const [before] = await tx.db
      .select({ status: campaigns.status })
      .from(campaigns)
      .where(idInProject(campaigns, tx, id));
    let row = await transition(tx, id, 'cancel', { completedAt: new Date() }, 'This campaign cannot be cancelled.');
    // What was still waiting will never go out: give it a final status so the numbers add up.
    // Rows in flight ('sending') are settled by the worker that holds them.
    await tx.db.execute(sql`
      with dropped as (
        update ${deliveries} set status = 'skipped', reason = ${CANCELLED_REASON},
          next_attempt_at = null, updated_at = now()
        where campaign_id = ${id} and status in ('queued', 'retrying')
        returning 1
      )
      update ${campaigns} set skipped = skipped + (select count(*) from dropped) where id = ${id} and project_id = ${tx.project.id}`);
    [row] = (await tx.db
      .select()
      .from(campaigns)
      .where(idInProject(campaigns, tx, id))) as [Campaign];
    await recordAudit(tx, {
      action: 'campaign.cancel',
      targetType: 'campaign',
      targetId: id,
      targetLabel: row.name,
      before: { status: before?.status },
      after: { status: 'cancelled' },
    });
    return row;
  });
}

/**
 * A status change that moves one campaign along one event (draft ← scheduled, sending ⇄ paused),
 * audited in the same transaction; `then` runs inside it (a resumed campaign's fan-out job).
 */
async function changeStatus(
  ctx: Ctx,
  input: unknown,
  event: 'unschedule' | 'pause' | 'resume',
  o: { set?: Partial<typeof campaigns.$inferInsert>; refused: string; then?: (tx: Ctx, row: Campaign) => Promise<void> },
): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send');
  const id = parseId(input);
  return inTx(ctx, async (tx) => {
    const row = await transition(tx, id, event, o.set ?? {}, o.refused);
    await o.then?.(tx, row);
    await recordAudit(tx, {
      action: `campaign.${event}`,
      targetType: 'campaign',
      targetId: id,
      targetLabel: row.name,
      // Each of these events leaves exactly one status (status.ts), so that is where the campaign was.
      before: { status: CAMPAIGN_EVENTS[event].from[0] },
      after: { status: targetOf(event) },
    });
    return row;
  });
}

/** Back to draft (a scheduled campaign the marketer wants to change). */
export const unscheduleCampaign = (ctx: Ctx, input: unknown) =>
  changeStatus(ctx, input, 'unschedule', {
    set: { scheduledAt: null, timeZone: null },
    refused: 'Only a scheduled campaign can go back to draft.',
  });

export const pauseCampaign = (ctx: Ctx, input: unknown) => changeStatus(ctx, input, 'pause', { refused: 'Only a sending campaign can be paused.' });

/** Workers find the unfinished deliveries by themselves once the campaign is sending again; an unfinished fan-out is re-enqueued. */
export async function resumeCampaign(ctx: Ctx, input: unknown): Promise<Campaign> {
  assertCan(ctx, 'campaigns.send'); // before the queue is opened
  const boss = await ctx.queue();
  return changeStatus(ctx, input, 'resume', {
    refused: 'Only a paused campaign can be resumed.',
    then: async (tx, row) => {
      if (!row.fanoutDone) await enqueueFanout(boss, row.id, { db: tx.db });
    },
  });
}

export async function duplicateCampaign(ctx: Ctx, input: unknown): Promise<Campaign> {
  assertCan(ctx, 'campaigns.write');
  const id = parseId(input);
  const [src] = await ctx.db
    .select()
    .from(campaigns)
    .where(idInProject(campaigns, ctx, id));
  if (!src) throw new AppError('not_found', 'That campaign does not exist.');
  const wanted = [...src.topicIds, ...src.excludeTopicIds];
  const existing = wanted.length
    ? await ctx.db
        .select({ id: topics.id })
        .from(topics)
        .where(and(projectTopics(ctx), inArray(topics.id, wanted)))
    : [];
  const alive = new Set(existing.map((t) => t.id));
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(campaigns)
      .values({
        projectId: ctx.project.id,
        name: `Copy of ${src.name}`.slice(0, 120),
        content: src.content,
        ttl: src.ttl,
        urgency: src.urgency,
        pushTopic: src.pushTopic,
        audience: src.audience,
        storeContent: src.storeContent,
        topicIds: src.topicIds.filter((t) => alive.has(t)),
        excludeTopicIds: src.excludeTopicIds.filter((t) => alive.has(t)),
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        createdByLabel: actorLabel(ctx.actor),
      })
      .returning();
    await recordAudit(tx, {
      action: 'campaign.duplicate',
      targetType: 'campaign',
      targetId: row!.id,
      targetLabel: row!.name,
      before: { from: id },
      after: auditView(row!),
    });
    return row!;
  });
}

export async function deleteCampaign(ctx: Ctx, input: unknown): Promise<void> {
  assertCan(ctx, 'campaigns.write');
  const id = parseId(input);
  await inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(campaigns)
      .where(and(idInProject(campaigns, tx, id), inArray(campaigns.status, [...DELETABLE])))
      .returning();
    if (!row) throw await notInState(tx, id, 'Only drafts and cancelled campaigns can be deleted; sent ones keep their records.');
    await recordAudit(tx, { action: 'campaign.delete', targetType: 'campaign', targetId: id, targetLabel: row.name, before: auditView(row) });
  });
}
