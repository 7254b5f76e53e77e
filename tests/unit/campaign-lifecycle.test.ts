/**
 * The campaign page's buttons come from the life cycle's table (server/campaigns/status.ts) and the
 * caller's role. This pins the whole table: every status × role, as the page showed it before the
 * buttons were derived (a hand-written switch), so a change to the state machine that would change
 * what marketers see shows up here.
 */
import { describe, expect, it } from 'vitest';
import { allowedCampaignActions } from '../../app/admin/campaigns/[id]/_components/lifecycle';
import { campaignStatuses, type CampaignStatus } from '../../db/schema';

const EXPECTED: Record<CampaignStatus, { ops: string[]; pauseSoon?: boolean }> = {
  draft: { ops: ['edit', 'send', 'delete'] },
  scheduled: { ops: ['unschedule', 'cancel'] },
  queued: { ops: ['pause', 'cancel'], pauseSoon: true },
  sending: { ops: ['pause', 'cancel'] },
  paused: { ops: ['resume', 'cancel'] },
  completed: { ops: ['duplicate'] },
  cancelled: { ops: ['duplicate', 'delete'] },
  failed: { ops: ['duplicate'] },
};
const WRITE = new Set(['edit', 'delete', 'duplicate']);

describe('the campaign page offers what the life cycle allows', () => {
  it.each(campaignStatuses)('%s', (status) => {
    const want = EXPECTED[status];
    expect(allowedCampaignActions(status, { canSend: true, canWrite: true })).toEqual({ ops: want.ops, pauseSoon: !!want.pauseSoon });
    // A marketer without send rights keeps only the writer's buttons; a viewer gets none.
    expect(allowedCampaignActions(status, { canSend: false, canWrite: true }).ops).toEqual(want.ops.filter((o) => WRITE.has(o)));
    expect(allowedCampaignActions(status, { canSend: true, canWrite: false }).ops).toEqual(want.ops.filter((o) => !WRITE.has(o)));
    expect(allowedCampaignActions(status, { canSend: false, canWrite: false }).ops).toEqual([]);
  });
});
