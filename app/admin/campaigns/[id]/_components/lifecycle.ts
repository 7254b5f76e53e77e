/**
 * Which of the campaign page's buttons a campaign's status allows, read from the life cycle's own
 * table (server/campaigns/status.ts), so the page offers exactly the transitions the mutations
 * will accept. Server-side only (the table builds SQL too): the page passes the answer to the
 * client component as props.
 */
import type { CampaignStatus } from '@/db/schema';
import { CAMPAIGN_EVENTS, can, DELETABLE, EDITABLE, type CampaignEvent } from '@/server/campaigns/status';

/** The buttons, in the order they show. */
export const CAMPAIGN_OPS = ['edit', 'send', 'unschedule', 'pause', 'resume', 'duplicate', 'cancel', 'delete'] as const;
export type CampaignOp = (typeof CAMPAIGN_OPS)[number];

export type AllowedActions = {
  ops: CampaignOp[];
  /** Pause is shown but disabled: the campaign waits for the worker to start it, and only then can pause. */
  pauseSoon: boolean;
};

const EVENTS = Object.keys(CAMPAIGN_EVENTS) as CampaignEvent[];

/** No event leaves the status: the campaign's life is over (completed, failed, cancelled); a copy may start again. */
function isFinal(status: CampaignStatus): boolean {
  return !EVENTS.some((e) => can(status, e));
}

/** Sent and waiting for the worker, which starts it into a status that may pause. */
function pausesOnceStarted(status: CampaignStatus): boolean {
  return status === CAMPAIGN_EVENTS.send.to && can(CAMPAIGN_EVENTS.start.to, 'pause');
}

function statusAllows(op: CampaignOp, status: CampaignStatus): boolean {
  switch (op) {
    case 'edit':
      return EDITABLE.includes(status);
    case 'delete':
      return DELETABLE.includes(status);
    case 'duplicate':
      return isFinal(status);
    case 'pause':
      return can(status, 'pause') || pausesOnceStarted(status);
    default:
      return can(status, op);
  }
}

/** Editing, deleting and copying are the writer's; every move of a campaign's delivery is the sender's. */
const WRITE_OPS: readonly CampaignOp[] = ['edit', 'delete', 'duplicate'];

export function allowedCampaignActions(status: CampaignStatus, role: { canSend: boolean; canWrite: boolean }): AllowedActions {
  const ops = CAMPAIGN_OPS.filter((op) => (WRITE_OPS.includes(op) ? role.canWrite : role.canSend) && statusAllows(op, status));
  return { ops, pauseSoon: ops.includes('pause') && !can(status, 'pause') };
}
