/**
 * The send pipeline on its own: an in-memory PipelineStore that keeps claims the way the SQL
 * does (due rows only, owner-checked writes, takeover after the lease) and a fake Messenger.
 * What the database adds (one statement per chunk, SKIP LOCKED) is covered by the engine and
 * reliability suites; here, every branch of the run's state in milliseconds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PushMessage, PushTarget, SendResult } from '../../lib/push/sender';
import type { VapidSigner } from '../../lib/push/vapid';
import { Semaphore, ServiceGates } from './gate';
import type { Messenger } from './messenger';
import { runDeliveries, type PipelineDeps, type PipelineStore, type RunInput } from './pipeline';
import { deliverySettingsSchema } from './settings';
import { newClaimOwner, type CampaignMessage, type ClaimedRow, type ClaimOwner, type ResultRow } from './rows';
import type { Logger } from '../../lib/logger';

const CAMPAIGN = '00000000-0000-4000-8000-00000000c0de';
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

interface Row {
  status: string;
  claimedBy: string | null;
  claimedAt: number;
  attempts: number;
  nextAttemptAt: number | null;
  subStatus: string;
  results: ResultRow[];
}

class MemoryStore implements PipelineStore {
  rows = new Map<string, Row>();
  status = 'sending';
  renewals = 0;
  failRenew = false;
  /** Thrown by the next `record` calls (then cleared). */
  recordFailures: unknown[] = [];
  records = 0;
  /** Rows the store still lets be claimed (a database that stops answering claims, say). */
  claimBudget = Infinity;
  constructor(
    n: number,
    private readonly clock: () => number = Date.now,
  ) {
    for (let i = 1; i <= n; i++)
      this.rows.set(id(i), { status: 'queued', claimedBy: null, claimedAt: 0, attempts: 0, nextAttemptAt: null, subStatus: 'active', results: [] });
  }

  private due(r: Row, leaseSeconds: number) {
    const now = this.clock();
    return (
      r.status === 'queued' || (r.status === 'retrying' && (r.nextAttemptAt ?? 0) <= now) || (r.status === 'sending' && r.claimedAt < now - leaseSeconds * 1000)
    );
  }

  async claim(owner: ClaimOwner, campaignId: string, limit: number, after: string | null, leaseSeconds: number): Promise<ClaimedRow[]> {
    expect(campaignId).toBe(CAMPAIGN);
    if (this.status !== 'sending') return [];
    const picked = [...this.rows.entries()]
      .filter(([sid, r]) => (after === null || sid > after) && this.due(r, leaseSeconds))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, Math.min(limit, this.claimBudget));
    this.claimBudget -= picked.length;
    return picked.map(([sid, r]) => {
      Object.assign(r, { status: 'sending', claimedBy: owner, claimedAt: this.clock() });
      return {
        subscription_id: sid,
        attempts: r.attempts,
        push_service: 'push.test',
        endpoint: `https://push.test/${sid}`,
        p256dh: 'k',
        auth: 'a',
        vapid_key_id: 'key',
        sub_status: r.subStatus,
      };
    });
  }

  async record(owner: ClaimOwner, _campaignId: string, results: ResultRow[]): Promise<number> {
    const failure = this.recordFailures.shift();
    if (failure) throw failure;
    this.records++;
    let n = 0;
    for (const res of results) {
      const r = this.rows.get(res.subscription_id)!;
      if (r.status !== 'sending' || r.claimedBy !== owner) continue;
      Object.assign(r, {
        status: res.status,
        claimedBy: null,
        attempts: r.attempts + (res.attempted ? 1 : 0),
        nextAttemptAt: res.next_attempt_at ? Date.parse(res.next_attempt_at) : null,
      });
      r.results.push(res);
      n++;
    }
    return n;
  }

  async renew(owner: ClaimOwner): Promise<number> {
    if (this.failRenew) throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' });
    this.renewals++;
    let n = 0;
    for (const r of this.rows.values()) {
      if (r.status !== 'sending' || r.claimedBy !== owner) continue;
      r.claimedAt = this.clock();
      n++;
    }
    return n;
  }

  async campaignStatus(): Promise<string | null> {
    return this.status;
  }

  count(status: string) {
    return [...this.rows.values()].filter((r) => r.status === status).length;
  }
}

class FakeMessenger implements Messenger {
  sent: string[] = [];
  constructor(
    private readonly answer: (target: PushTarget, nth: number) => Partial<SendResult> = () => ({}),
    private readonly delayMs = 0,
  ) {}
  async send(target: PushTarget, _message: PushMessage, _signer: VapidSigner): Promise<SendResult> {
    const sid = target.endpoint.slice(target.endpoint.lastIndexOf('/') + 1);
    this.sent.push(sid);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return { outcome: 'delivered', status: 201, pushService: 'push.test', latencyMs: 1, ...this.answer(target, this.sent.filter((s) => s === sid).length) };
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const message: CampaignMessage = {
  campaignId: CAMPAIGN,
  status: 'sending',
  content: { title: 'Hi', renotify: false, requireInteraction: false, silent: false, actions: [] },
  ttl: 60,
  urgency: 'normal',
  push_topic: null,
  message_id: null,
  project_slug: 'default',
  project_origins: [],
};

function deps(store: PipelineStore, messenger: Messenger, over: Partial<PipelineDeps> = {}): PipelineDeps {
  return {
    store,
    messenger,
    signers: async (ids) => new Map(ids.map((k) => [k, {} as VapidSigner])),
    gates: new ServiceGates(0),
    inflight: new Semaphore(4),
    log: silent,
    lease: { leaseMs: 60_000, heartbeatMs: 20 },
    ...over,
  };
}

function input(over: Partial<RunInput> = {}): RunInput {
  return {
    owner: newClaimOwner('test'),
    message,
    encode: (ref) => Buffer.from(ref),
    settings: deliverySettingsSchema.parse({ concurrency: 4, maxAttempts: 3, retryBaseSeconds: 1 }),
    sliceMs: 60_000,
    ...over,
  };
}

beforeAll(() => {
  process.env.PUSHDECK_SECRET ??= 'unit-test-secret-unit-test-secret-unit-test';
});

describe('a delivery run', () => {
  it('sends every due row once, records it, and ends drained', async () => {
    const store = new MemoryStore(57);
    const messenger = new FakeMessenger();
    const summary = await runDeliveries(deps(store, messenger), input());
    expect(summary).toMatchObject({ end: 'drained', claimed: 57, sent: 57, handedBack: 0 });
    expect(new Set(messenger.sent).size).toBe(57);
    expect(messenger.sent).toHaveLength(57);
    expect(store.count('sent')).toBe(57);
  });

  it('shares a campaign with another run without sending anyone twice', async () => {
    const store = new MemoryStore(300);
    const messenger = new FakeMessenger(() => ({}), 1);
    const shared = { inflight: new Semaphore(8) };
    const [a, b] = await Promise.all([runDeliveries(deps(store, messenger, shared), input()), runDeliveries(deps(store, messenger, shared), input())]);
    expect(a.sent + b.sent).toBe(300);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(messenger.sent).toHaveLength(300);
    expect(new Set(messenger.sent).size).toBe(300);
  });

  it('writes each outcome the retry policy decides, and leaves retries for later', async () => {
    const store = new MemoryStore(6);
    const answers: Record<number, Partial<SendResult>> = {
      1: { outcome: 'gone', status: 410 },
      2: { outcome: 'retry', status: 503 },
      3: { outcome: 'rejected', status: 400, reason: 'Bad request' },
    };
    const messenger = new FakeMessenger((t) => answers[Number(t.endpoint.slice(-1))] ?? {});
    store.rows.get(id(4))!.subStatus = 'cancelled';
    const summary = await runDeliveries(deps(store, messenger), input());
    expect(summary.end).toBe('drained');
    const status = (i: number) => store.rows.get(id(i))!.status;
    expect([1, 2, 3, 4, 5, 6].map(status)).toEqual(['expired', 'retrying', 'failed', 'skipped', 'sent', 'sent']);
    expect(store.rows.get(id(2))!.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(store.rows.get(id(3))!.results[0]!.reason).toBe('Bad request');
    expect(messenger.sent).not.toContain(id(4)); // a cancelled subscription gets no request
  });

  it('hands claimed rows back unsent when the campaign is paused, and skips them when it is cancelled', async () => {
    for (const [campaignStatus, handedBackAs] of [
      ['paused', 'queued'],
      ['cancelled', 'skipped'],
    ] as const) {
      const store = new MemoryStore(200);
      const messenger = new FakeMessenger(() => {
        if (messenger.sent.length === 20) {
          store.status = campaignStatus;
          // As cancelCampaign does in its transaction: what nobody claimed is skipped at once.
          if (campaignStatus === 'cancelled') for (const r of store.rows.values()) if (r.status === 'queued') r.status = 'skipped';
        }
        return {};
      }, 2);
      const summary = await runDeliveries(
        deps(store, messenger, { inflight: new Semaphore(2) }),
        input({ settings: deliverySettingsSchema.parse({ concurrency: 2 }) }),
      );
      expect(summary.end).toBe('drained');
      expect(summary.handedBack).toBeGreaterThan(0);
      expect(messenger.sent.length).toBeLessThan(200);
      expect(store.count('sent')).toBe(messenger.sent.length);
      expect(store.count(handedBackAs)).toBe(200 - messenger.sent.length);
      expect(store.count('sending')).toBe(0);
    }
  });

  it('stops claiming when its slice is over, and still sends what it claimed', async () => {
    const store = new MemoryStore(100);
    const messenger = new FakeMessenger();
    // A clock that moves a second per look: the slice (1.5 s) is over after the first claim.
    let t = 0;
    const clock = () => (t += 1000);
    const summary = await runDeliveries(deps(store, messenger, { clock, lease: { leaseMs: 1e9, heartbeatMs: 1000 } }), input({ sliceMs: 1500 }));
    expect(summary.end).toBe('yielded');
    expect(summary.claimed).toBeGreaterThan(0);
    expect(summary.claimed).toBeLessThan(100);
    expect(store.count('sent')).toBe(summary.claimed);
    expect(store.count('queued')).toBe(100 - summary.claimed);
  });

  it('keeps its claims alive with a heartbeat while requests are slow', async () => {
    const store = new MemoryStore(30);
    const messenger = new FakeMessenger(() => ({}), 15);
    // A lease shorter than the run: without renewals every row would be a lease old before its turn.
    const summary = await runDeliveries(
      deps(store, messenger, { inflight: new Semaphore(1), lease: { leaseMs: 120, heartbeatMs: 20 } }),
      input({ settings: deliverySettingsSchema.parse({ concurrency: 1 }) }),
    );
    expect(store.renewals).toBeGreaterThan(3);
    expect(summary).toMatchObject({ end: 'drained', sent: 30, handedBack: 0 });
    expect(messenger.sent).toHaveLength(30);
  });

  it('sends nothing it can no longer vouch for once the heartbeat has failed for half a lease', async () => {
    const store = new MemoryStore(30);
    // The first claim got through; since then nothing does (renewals fail, claims find nothing).
    store.claimBudget = 10;
    store.failRenew = true;
    const messenger = new FakeMessenger(() => ({}), 15);
    const summary = await runDeliveries(
      deps(store, messenger, { inflight: new Semaphore(1), lease: { leaseMs: 200, heartbeatMs: 20 } }),
      input({ settings: deliverySettingsSchema.parse({ concurrency: 1 }) }),
    );
    expect(summary.handedBack).toBeGreaterThan(0);
    // Half a lease (100 ms) of 15 ms requests: a handful of the ten went out, the rest went back unsent.
    expect(messenger.sent.length).toBeLessThan(10);
    expect(summary.handedBack).toBe(10 - messenger.sent.length);
    expect(store.count('sent') + store.count('queued')).toBe(30);
  });

  it('retries a write while the database is briefly away, and loses nothing', async () => {
    const store = new MemoryStore(40);
    store.recordFailures = [Object.assign(new Error('terminating connection'), { code: '57P01' }), Object.assign(new Error('reset'), { code: 'ECONNRESET' })];
    const messenger = new FakeMessenger();
    const summary = await runDeliveries(deps(store, messenger), input());
    expect(summary.sent).toBe(40);
    expect(store.count('sent')).toBe(40);
    expect(messenger.sent).toHaveLength(40);
  });

  it('fails on a write error that is not the database being away, sending nothing more', async () => {
    const store = new MemoryStore(500);
    store.recordFailures = [new Error('check constraint violated')];
    const messenger = new FakeMessenger(() => ({}), 1);
    await expect(runDeliveries(deps(store, messenger), input())).rejects.toThrow('check constraint violated');
    // The rows of the failed write and whatever was claimed after stay claimed: a later run takes them over after the lease.
    expect(store.count('sending')).toBeGreaterThan(0);
    expect(messenger.sent.length).toBeLessThan(500);
    expect(store.count('sent') + store.count('sending') + store.count('queued')).toBe(500);
  });

  it('takes over a dead run’s claims once they are a lease old, and not before', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(10, () => now);
    const dead = newClaimOwner('dead');
    await store.claim(dead, CAMPAIGN, 10, null, 30);
    const messenger = new FakeMessenger();
    const early = await runDeliveries(deps(store, messenger, { clock: () => now, lease: { leaseMs: 30_000, heartbeatMs: 10_000 } }), input());
    expect(early).toMatchObject({ end: 'drained', claimed: 0 });
    now += 30_001;
    const late = await runDeliveries(deps(store, messenger, { clock: () => now, lease: { leaseMs: 30_000, heartbeatMs: 10_000 } }), input());
    expect(late).toMatchObject({ end: 'drained', claimed: 10, sent: 10 });
    // The dead run cannot record anything now: the rows are no longer its own.
    expect(
      await store.record(dead, CAMPAIGN, [
        {
          subscription_id: id(1),
          status: 'failed',
          http_status: null,
          latency_ms: null,
          reason: null,
          vapid_claim_id: null,
          next_attempt_at: null,
          attempted: true,
        },
      ]),
    ).toBe(0);
  });
});
