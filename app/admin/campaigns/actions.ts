'use server';
/**
 * Every campaign server action. Each resolves the caller and checks the role itself (through
 * runAction), validates its input, and calls one service. Marketers and up may write and send;
 * viewers are refused here even if they post the action by hand.
 */
import { revalidatePath } from 'next/cache';
import type { Campaign } from '@/db/schema';
import type { SendResult } from '@/lib/push/sender';
import { runAction, type ActionResult } from '@/server/actions';
import {
  resolveSchedule,
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  duplicateCampaign,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  sendCampaignNow,
  unscheduleCampaign,
  updateCampaign,
} from '@/server/campaigns/mutations';
import { audienceSchema } from '@/server/campaigns/schemas';
import { countAudience } from '@/server/delivery/audience';
import { sendTestNotification } from '@/server/delivery/test-send';
import { searchSubscribersForTest } from '@/server/subscribers/lookup';
import { validationError } from '@/lib/errors';

type Saved = { id: string; status: Campaign['status'] };
const saved = (c: Campaign): Saved => ({ id: c.id, status: c.status });

function refresh(id?: string) {
  revalidatePath('/admin/campaigns');
  if (id) revalidatePath(`/admin/campaigns/${id}`);
  revalidatePath('/admin');
}

/** Saves a draft: creates it without `id`, updates it with one. */
export async function saveCampaignAction(input: { id?: string; campaign: unknown }): Promise<ActionResult<Saved>> {
  const res = await runAction('saveCampaignAction', 'campaigns.write', async (ctx) =>
    saved(input?.id ? await updateCampaign(ctx, String(input.id), input.campaign) : await createCampaign(ctx, input?.campaign)),
  );
  if (res.ok) refresh(res.data.id);
  return res;
}

/** Saves the draft, then sends it now or schedules it, in that order. */
export async function saveAndSendCampaignAction(input: {
  id?: string;
  campaign: unknown;
  when: { mode: 'now' } | { mode: 'schedule'; localTime: string; timeZone: string };
}): Promise<ActionResult<Saved>> {
  const res = await runAction('saveAndSendCampaignAction', 'campaigns.send', async (ctx) => {
    const when = input?.when;
    // A bad time is refused before anything is saved (the dummy id only satisfies the shape).
    if (when?.mode === 'schedule') resolveSchedule({ id: '00000000-0000-7000-8000-000000000000', localTime: when.localTime, timeZone: when.timeZone });
    const draft = input?.id ? await updateCampaign(ctx, String(input.id), input.campaign) : await createCampaign(ctx, input?.campaign);
    if (when?.mode === 'schedule') return saved(await scheduleCampaign(ctx, { id: draft.id, localTime: when.localTime, timeZone: when.timeZone }));
    return saved(await sendCampaignNow(ctx, { id: draft.id }));
  });
  if (res.ok) refresh(res.data.id);
  return res;
}

function lifecycle(
  name: string,
  fn: (ctx: Parameters<typeof sendCampaignNow>[0], input: unknown) => Promise<Campaign>,
  permission: 'campaigns.send' | 'campaigns.write' = 'campaigns.send',
) {
  return async (id: string): Promise<ActionResult<Saved>> => {
    const res = await runAction(name, permission, async (ctx) => saved(await fn(ctx, { id })));
    if (res.ok) refresh(res.data.id);
    return res;
  };
}

export async function sendCampaignNowAction(id: string) {
  return lifecycle('sendCampaignNowAction', sendCampaignNow)(id);
}
export async function cancelCampaignAction(id: string) {
  return lifecycle('cancelCampaignAction', cancelCampaign)(id);
}
export async function unscheduleCampaignAction(id: string) {
  return lifecycle('unscheduleCampaignAction', unscheduleCampaign)(id);
}
export async function pauseCampaignAction(id: string) {
  return lifecycle('pauseCampaignAction', pauseCampaign)(id);
}
export async function resumeCampaignAction(id: string) {
  return lifecycle('resumeCampaignAction', resumeCampaign)(id);
}
export async function duplicateCampaignAction(id: string) {
  return lifecycle('duplicateCampaignAction', duplicateCampaign, 'campaigns.write')(id);
}

export async function deleteCampaignAction(id: string): Promise<ActionResult<null>> {
  const res = await runAction('deleteCampaignAction', 'campaigns.write', async (ctx) => {
    await deleteCampaign(ctx, { id });
    return null;
  });
  if (res.ok) refresh();
  return res;
}

/** The live audience count in the composer. */
export async function countAudienceAction(input: unknown): Promise<ActionResult<number>> {
  return runAction('countAudienceAction', 'campaigns.read', async (ctx) => {
    const parsed = audienceSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues);
    return countAudience(ctx, parsed.data);
  });
}

export async function sendTestAction(input: unknown): Promise<ActionResult<Pick<SendResult, 'outcome' | 'status' | 'latencyMs' | 'reason' | 'pushService'>>> {
  return runAction('sendTestAction', 'campaigns.send', async (ctx) => {
    const r = await sendTestNotification(ctx, input);
    return { outcome: r.outcome, status: r.status, latencyMs: r.latencyMs, reason: r.reason, pushService: r.pushService };
  });
}

/** Subscribers to pick for a test send (by id prefix, push service or topic). */
export async function findTestSubscribersAction(query: string): Promise<ActionResult<{ id: string; label: string }[]>> {
  return runAction('findTestSubscribersAction', 'campaigns.send', (ctx) => searchSubscribersForTest(ctx, String(query ?? '').slice(0, 100)));
}
