import { describe, expect, it } from 'vitest';
import { campaignStatuses, type CampaignStatus } from '../../db/schema';
import { can, CAMPAIGN_EVENTS, targetOf, type CampaignEvent } from './status';

const EVENTS = Object.keys(CAMPAIGN_EVENTS) as CampaignEvent[];

describe('the campaign state machine', () => {
  // Every status, and what a marketer or the worker may do next. A change here is a product decision.
  const expected: Record<CampaignStatus, CampaignEvent[]> = {
    draft: ['send', 'schedule'],
    scheduled: ['unschedule', 'start', 'cancel'],
    queued: ['start', 'cancel'],
    sending: ['pause', 'complete', 'cancel'],
    paused: ['resume', 'cancel'],
    completed: [],
    cancelled: [],
    failed: [],
  };
  it.each(campaignStatuses.map((s) => [s, expected[s]] as const))('%s accepts exactly %j', (status, events) => {
    expect(EVENTS.filter((e) => can(status, e)).sort()).toEqual([...events].sort());
  });

  it('ends where each event says, and nothing leaves a final status', () => {
    expect(Object.fromEntries(EVENTS.map((e) => [e, targetOf(e)]))).toEqual({
      send: 'queued',
      schedule: 'scheduled',
      unschedule: 'draft',
      start: 'sending',
      pause: 'paused',
      resume: 'sending',
      complete: 'completed',
      cancel: 'cancelled',
    });
    for (const final of ['completed', 'cancelled', 'failed'] as const) for (const e of EVENTS) expect(can(final, e)).toBe(false);
  });
});
