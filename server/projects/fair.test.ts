/**
 * Delivery is fair across projects: a project with many campaigns sending at once does not fill
 * the workers' list of due campaigns and push out another project's single campaign, however
 * late it started. (Within the list, the dispatcher gives each campaign time slices in turn.)
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_ID } from '../../db/schema';
import { openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { DeliveryStore } from '../delivery/store';
import { ensureActiveVapidKey } from '../vapid/mutations';

let tdb: TestDatabase;
const SHOP = '01900000-0000-7000-8000-00000000fa1e';
const id = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

beforeAll(async () => {
  tdb = await openTestDatabase();
  await ensureActiveVapidKey(tdb.db);
  const db = tdb.db;
  await db.execute(sql`insert into projects (id, slug, name) values (${SHOP}, 'shop', 'Shop')`);
  await db.execute(sql`
    insert into subscriptions (id, project_id, endpoint, p256dh, auth, push_service)
    values (${id(1)}, ${DEFAULT_PROJECT_ID}, 'https://fcm.googleapis.com/fcm/send/a', 'p', 'a', 'fcm.googleapis.com'),
           (${id(2)}, ${SHOP}, 'https://fcm.googleapis.com/fcm/send/b', 'p', 'a', 'fcm.googleapis.com')`);
  // 30 campaigns of the default project, sending since an hour ago; one of the shop's, started last.
  for (let i = 0; i < 30; i++) {
    await db.execute(sql`
      insert into campaigns (id, project_id, name, content, created_by_label, status, started_at)
      values (${id(100 + i)}, ${DEFAULT_PROJECT_ID}, ${`big ${i}`}, '{"title":"x"}', 't', 'sending', now() - interval '1 hour' + make_interval(secs => ${i}))`);
    await db.execute(sql`insert into deliveries (campaign_id, subscription_id, push_service) values (${id(100 + i)}, ${id(1)}, 'fcm.googleapis.com')`);
  }
  await db.execute(sql`
    insert into campaigns (id, project_id, name, content, created_by_label, status, started_at)
    values (${id(200)}, ${SHOP}, 'small', '{"title":"x"}', 't', 'sending', now())`);
  await db.execute(sql`insert into deliveries (campaign_id, subscription_id, push_service) values (${id(200)}, ${id(2)}, 'fcm.googleapis.com')`);
});
afterAll(async () => tdb?.dispose());

describe('due campaigns across projects', () => {
  it("puts the other project's campaign near the front, not behind the busy project's thirty", async () => {
    const due = await new DeliveryStore(tdb.db).dueCampaigns(25, 20);
    expect(due).toHaveLength(20);
    // Each project's oldest first: the busy project's oldest, then the shop's only one.
    expect(due.slice(0, 2).sort()).toEqual([id(100), id(200)].sort());
    // Within a project, oldest first as before.
    expect(due.filter((c) => c !== id(200))).toEqual(Array.from({ length: 19 }, (_, i) => id(100 + i)));
  });
});
