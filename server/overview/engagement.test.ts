/**
 * The 30-day engagement on seeded campaigns: which campaigns count (started in the window, in
 * this project), the sums and the verdict over them, and who may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, DEFAULT_PROJECT_ID, type CampaignStatus } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { ctxFor, openTestDatabase, owner, type TestDatabase } from '../../tests/support/db';
import type { Actor, ProjectRef } from '../context';
import { createProject } from '../projects/mutations';
import { getEngagement } from './engagement';

const DAY = 86_400_000;
const NOW = new Date('2026-03-15T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const viewer: Actor = { kind: 'user', id: '00000000-0000-7000-8000-000000000001', email: 'viewer@example.com', name: '', role: 'viewer' };

let tdb: TestDatabase;
let shop: ProjectRef;

async function campaign(
  projectId: string,
  name: string,
  { status = 'completed', startedAt, sent, shown, clicked }: { status?: CampaignStatus; startedAt: Date | null; sent: number; shown: number; clicked: number },
) {
  await tdb.db.insert(campaigns).values({
    projectId,
    name,
    status,
    content: { title: name },
    createdByLabel: 'test',
    createdAt: startedAt ?? NOW,
    startedAt,
    targeted: sent,
    sent,
    shown,
    clicked,
  });
}

beforeAll(async () => {
  tdb = await openTestDatabase();
  const p = await createProject(ctxFor(tdb), { slug: 'shop', name: 'Shop', origins: ['https://shop.example'] });
  shop = { id: p.id, slug: p.slug };
});

afterAll(async () => {
  await tdb?.dispose();
});

describe('getEngagement', () => {
  it('is empty and without a verdict before any campaign', async () => {
    expect(await getEngagement(ctxFor(tdb, viewer), { now: NOW })).toEqual({
      sent: 0,
      shown: 0,
      clicked: 0,
      rate: null,
      status: 'unknown',
      campaigns: 0,
      since: daysAgo(30),
      until: NOW,
    });
  });

  it('sums the campaigns started in the last 30 days, and no others', async () => {
    // In the window: yesterday, 29 days ago, exactly 30 days ago (the window includes its start),
    // and one started that showed nothing (it counts in the sums, not as a typical campaign).
    await campaign(DEFAULT_PROJECT_ID, 'Yesterday', { startedAt: daysAgo(1), sent: 1000, shown: 900, clicked: 5 });
    await campaign(DEFAULT_PROJECT_ID, 'Still sending', { status: 'sending', startedAt: daysAgo(0.01), sent: 120, shown: 100, clicked: 1 });
    await campaign(DEFAULT_PROJECT_ID, 'A month ago', { startedAt: daysAgo(29), sent: 500, shown: 400, clicked: 2 });
    await campaign(DEFAULT_PROJECT_ID, 'The first day', { startedAt: daysAgo(30), sent: 100, shown: 100, clicked: 0 });
    await campaign(DEFAULT_PROJECT_ID, 'All failed', { status: 'failed', startedAt: daysAgo(2), sent: 0, shown: 0, clicked: 0 });
    // Outside it: a second before the window, long ago, after `now`, and never started.
    await campaign(DEFAULT_PROJECT_ID, 'Just too old', { startedAt: new Date(daysAgo(30).getTime() - 1000), sent: 7000, shown: 7000, clicked: 700 });
    await campaign(DEFAULT_PROJECT_ID, 'Last quarter', { startedAt: daysAgo(90), sent: 9000, shown: 8000, clicked: 900 });
    await campaign(DEFAULT_PROJECT_ID, 'Later', { startedAt: new Date(NOW.getTime() + 60_000), sent: 300, shown: 300, clicked: 30 });
    await campaign(DEFAULT_PROJECT_ID, 'Draft', { status: 'draft', startedAt: null, sent: 0, shown: 50, clicked: 50 });
    // Another project's campaign, in the window and very well clicked.
    await campaign(shop.id, 'Shop sale', { startedAt: daysAgo(3), sent: 4000, shown: 3000, clicked: 600 });

    const e = await getEngagement(ctxFor(tdb, viewer), { now: NOW });
    expect(e).toEqual({
      sent: 1720,
      shown: 1500,
      clicked: 8,
      rate: 8 / 1500,
      status: 'low',
      campaigns: 4,
      since: daysAgo(30),
      until: NOW,
    });
  });

  it("counts only the context's project: the other project sees its own numbers", async () => {
    const e = await getEngagement(ctxFor(tdb, owner, shop), { now: NOW });
    expect(e).toMatchObject({ sent: 4000, shown: 3000, clicked: 600, rate: 0.2, status: 'healthy', campaigns: 1 });
  });

  it('moves with `now`: a week later, the oldest campaigns have left the window', async () => {
    const later = new Date(NOW.getTime() + 7 * DAY);
    // Now the window holds yesterday's (now 8 days ago), the one still sending, the failed one
    // and the one that started after the first `now`.
    const e = await getEngagement(ctxFor(tdb, viewer), { now: later });
    expect(e).toMatchObject({ sent: 1420, shown: 1300, clicked: 36, rate: 36 / 1300, status: 'healthy', campaigns: 3 });
  });

  it('is open to every role in the project, and to nobody without campaigns.read', async () => {
    for (const role of ['viewer', 'marketer', 'admin', 'owner'] as const) {
      await expect(getEngagement(ctxFor(tdb, { ...viewer, role }), { now: NOW })).resolves.toMatchObject({ shown: 1500 });
    }
    const refused: Actor[] = [
      { kind: 'public', ip: '203.0.113.9' },
      { kind: 'api-key', id: 'k', name: 'k', topicIds: null, scopes: ['manage'] },
    ];
    for (const actor of refused) {
      const err = await getEngagement(ctxFor(tdb, actor), { now: NOW }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('forbidden');
    }
  });
});
