/**
 * A campaign against a misbehaving push service. Each subscriber's requests are answered from a
 * seeded script drawn with the mix — per request: 500/503 20 %, 429 with Retry-After
 * 1–3 s 10 %, timeouts (no answer) 5 %, connection resets 5 %, 410 5 %, other 4xx (400, 403,
 * 413) 2 %, otherwise accepted — with at most maxAttempts − 1 transient faults per subscriber, so
 * every subscriber that is not gone or refused can be reached within the attempt budget.
 *
 * Checked against the push service's own request log: every live subscriber got the message
 * exactly once, every gone one is expired (subscription and delivery), no 4xx was retried, no
 * request came before the Retry-After its subscriber was given, no subscriber saw more than
 * maxAttempts requests, and the campaign completed with matching counters.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { campaigns, deliveries, subscriptions, vapidKeys } from '../../db/schema';
import { createCampaign, sendCampaignNow } from '../../server/campaigns/mutations';
import { updateDeliverySettings } from '../../server/delivery/settings';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { subscribe } from '../../server/subscribers/subscribe';
import { PushServiceServer, type Behaviour } from '../push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';
import { report, runSeed, seededRandom, sized, until } from './support';

// The push timeout is short so "timeout" faults cost seconds, not the default 30 s.
process.env.PUSH_TIMEOUT_SECONDS = '2';
process.env.RECONCILE_SECONDS = '2';

const N = sized(60, 1500);
const MAX_ATTEMPTS = 5;
const seed = runSeed();

let tdb: TestDatabase;
const server = new PushServiceServer();

type Fate = 'live' | 'gone' | 'refused';
interface Plan {
  script: Behaviour[];
  fate: Fate;
}

/** One subscriber's script, per request: the mix, transient faults capped below maxAttempts. */
function plan(random: () => number): Plan {
  const script: Behaviour[] = [];
  for (;;) {
    const transient = script.length < MAX_ATTEMPTS - 1;
    const r = random();
    if (transient && r < 0.2) script.push({ status: random() < 0.5 ? 500 : 503 });
    else if (transient && r < 0.3) script.push({ status: 429, retryAfter: 1 + Math.floor(random() * 3) });
    else if (transient && r < 0.35) script.push({ hang: true });
    else if (transient && r < 0.4) script.push({ reset: true });
    else if (r >= 0.4 && r < 0.45) return { script: [...script, { status: 410 }], fate: 'gone' };
    else if (r >= 0.45 && r < 0.47) return { script: [...script, { status: ([400, 403, 413] as const)[Math.floor(random() * 3)]! }], fate: 'refused' };
    else return { script, fate: 'live' };
  }
}

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web'); // queue + in-process worker
  await updateDeliverySettings(ctxFor(tdb), { concurrency: 40, batchSize: 50, maxAttempts: MAX_ATTEMPTS, retryBaseSeconds: 1, ratePerService: 0 });
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

it(`delivers to every live subscriber through 5xx, 429, timeouts, resets and 410s (seed ${seed})`, { timeout: sized(240_000, 1_200_000) }, async () => {
  const random = seededRandom(seed);
  const [key] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  const subs: { testId: string; id: string; plan: Plan }[] = [];
  for (let i = 0; i < N; i++) {
    const s = server.createSubscriber({ applicationServerKey: key!.publicKey });
    const p = plan(random);
    if (p.script.length) server.setBehaviours(s.id, p.script);
    const { id } = await subscribe(tdb, { subscription: s.subscription, topics: [] });
    subs.push({ testId: s.id, id, plan: p });
  }
  const c = await createCampaign(ctxFor(tdb), { content: { title: 'Through the storm' }, audience: 'all' });
  await sendCampaignNow(ctxFor(tdb), { id: c.id });
  const row = async () => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, c.id)))[0]!;
  await until(async () => (await row()).status === 'completed', 'the campaign to complete', sized(220_000, 1_150_000), 250);

  const live = subs.filter((s) => s.plan.fate === 'live');
  const gone = subs.filter((s) => s.plan.fate === 'gone');
  const refused = subs.filter((s) => s.plan.fate === 'refused');
  expect(await row()).toMatchObject({ status: 'completed', targeted: N, sent: live.length, expired: gone.length, failed: refused.length, skipped: 0 });

  const rows = new Map((await tdb.db.select().from(deliveries).where(eq(deliveries.campaignId, c.id))).map((d) => [d.subscriptionId, d]));
  const subRows = new Map((await tdb.db.select().from(subscriptions)).map((s) => [s.id, s]));
  const tally = { requests: 0, retried: 0, e5xx: 0, e429: 0, timeouts: 0, resets: 0, e410: 0, other4xx: 0, maxRequestsForOne: 0, duplicates: 0 };
  for (const s of subs) {
    const reqs = server.requests({ subscriberId: s.testId });
    const msgs = server.messages(s.testId);
    const d = rows.get(s.id)!;
    tally.requests += reqs.length;
    tally.retried += Math.max(0, reqs.length - 1);
    tally.maxRequestsForOne = Math.max(tally.maxRequestsForOne, reqs.length);
    // The service answered exactly as scripted, then (for live ones) accepted once.
    expect(reqs.length, `requests for a ${s.plan.fate} subscriber`).toBe(s.plan.script.length + (s.plan.fate === 'live' ? 1 : 0));
    expect(reqs.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(d.attempts).toBe(reqs.length);
    reqs.forEach((r, i) => {
      const b = s.plan.script[i];
      if (!b) return expect(r.status).toBe(201);
      if ('hang' in b) tally.timeouts++;
      else if ('reset' in b) tally.resets++;
      else if ('status' in b) {
        expect(r.status).toBe(b.status);
        if (b.status === 429) tally.e429++;
        else if (b.status >= 500) tally.e5xx++;
        else if (b.status === 410) tally.e410++;
        else tally.other4xx++;
      }
      const next = reqs[i + 1];
      if (!next) return;
      // No 4xx is retried (429 aside), and nothing comes before its Retry-After.
      expect(r.status >= 400 && r.status < 500 && r.status !== 429, `a ${r.status} was retried`).toBe(false);
      if (r.status === 429) expect(next.at).toBeGreaterThanOrEqual(r.at + r.retryAfter! * 1000);
    });
    if (s.plan.fate === 'live') {
      tally.duplicates += Math.max(0, msgs.length - 1);
      expect(msgs).toHaveLength(1);
      expect(JSON.parse(msgs[0]!.plaintext!).title).toBe('Through the storm');
      expect(d.status).toBe('sent');
    } else {
      expect(msgs).toHaveLength(0);
      expect(d.status).toBe(s.plan.fate === 'gone' ? 'expired' : 'failed');
      expect(subRows.get(s.id)!.status).toBe(s.plan.fate === 'gone' ? 'expired' : 'active');
    }
  }
  report('faults', { seed, subscribers: N, live: live.length, gone: gone.length, refused: refused.length, maxAttempts: MAX_ATTEMPTS, ...tally });
});
