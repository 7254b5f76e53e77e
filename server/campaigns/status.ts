/**
 * A campaign's life cycle, in one table: which event moves a campaign from which statuses to
 * which. The marketer's mutations (mutations.ts) and the delivery engine (delivery/store.ts) both
 * read it, so the dashboard, the API and the worker can never disagree about what may happen next.
 *
 *   draft ─send→ queued ─start→ sending ─complete→ completed
 *   draft ─schedule→ scheduled ─start (when due)→ sending;  scheduled ─unschedule→ draft
 *   sending ─pause→ paused ─resume→ sending
 *   scheduled | queued | sending | paused ─cancel→ cancelled
 *
 * Every change is a conditional update on the current status (`status in (from)`), so two clicks,
 * or a click and the worker, cannot both win.
 */
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { CampaignStatus } from '../../db/schema';

export const CAMPAIGN_EVENTS = {
  send: { from: ['draft'], to: 'queued' },
  schedule: { from: ['draft'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  /** The worker: a queued campaign, or a scheduled one that is due. */
  start: { from: ['queued', 'scheduled'], to: 'sending' },
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  /** The worker: every targeted delivery has a final outcome. */
  complete: { from: ['sending'], to: 'completed' },
  cancel: { from: ['scheduled', 'queued', 'sending', 'paused'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly CampaignStatus[]; to: CampaignStatus }>;

export type CampaignEvent = keyof typeof CAMPAIGN_EVENTS;

/** Statuses in which the content can still be edited, and in which a campaign may be deleted. */
export const EDITABLE: readonly CampaignStatus[] = ['draft'];
export const DELETABLE: readonly CampaignStatus[] = ['draft', 'cancelled'];
/** The reason a delivery the campaign's cancel stopped carries, whoever settles it (the cancel, or the run holding it). */
export const CANCELLED_REASON = 'The campaign was cancelled before this was sent.';

export function can(status: CampaignStatus, event: CampaignEvent): boolean {
  return (CAMPAIGN_EVENTS[event].from as readonly CampaignStatus[]).includes(status);
}

/** `status in (…the event's from…)` for raw SQL on a `campaigns` row. */
export function statusAllows(event: CampaignEvent): SQL {
  const from = CAMPAIGN_EVENTS[event].from.map((s) => sql`${s}::campaign_status`);
  return sql`status in (${sql.join(from, sql`, `)})`;
}

export function targetOf(event: CampaignEvent): CampaignStatus {
  return CAMPAIGN_EVENTS[event].to;
}

/** The event's target status as a raw SQL value (`'sending'::campaign_status`). */
export function targetSql(event: CampaignEvent): SQL {
  return sql`${targetOf(event)}::campaign_status`;
}
