/**
 * One run over a campaign's due deliveries, as a pipeline, so neither the database's latency nor
 * a slow push service idles the sender:
 *
 *   claimer ──ClaimQueue──▶ `concurrency` senders ──ResultWriter──▶ the database
 *      ▲                                                  (counters and stats in the same statement)
 *      └── Lease: renews the run's claims every heartbeat
 *
 * The claimer walks the campaign once by subscription id (claiming the next rows while the
 * current ones go out), then sweeps from the beginning for rows it stepped over, until nothing is
 * due (`drained`) or its time slice is over (`yielded`: the dispatcher lets other campaigns have a
 * turn). Rows stay claimed by this run until their result is written, so a crash repeats at most
 * the requests sent and not yet recorded.
 *
 * It needs no database of its own: a `PipelineStore` (DeliveryStore, or an in-memory one in
 * pipeline.unit.test.ts) and a `Messenger` (PushSender, or a fake).
 */
import type { Logger } from '../../lib/logger';
import type { VapidSigner } from '../../lib/push/vapid';
import type { SendResult } from '../../lib/push/sender';
import { CANCELLED_REASON } from '../campaigns/status';
import { makeRef } from '../receipts/ref';
import { ClaimQueue } from './claim-queue';
import type { Semaphore, ServiceGates } from './gate';
import { Lease, type LeaseTimes } from './lease';
import type { Messenger } from './messenger';
import { ResultWriter, type PendingResult } from './result-writer';
import { decide } from './retry-policy';
import type { DeliverySettings } from './settings';
import type { CampaignMessage, ClaimedRow, ClaimOwner, ResultRow } from './rows';

export interface PipelineStore {
  claim(owner: ClaimOwner, campaignId: string, limit: number, after: string | null, leaseSeconds: number): Promise<ClaimedRow[]>;
  record(owner: ClaimOwner, campaignId: string, results: ResultRow[]): Promise<number>;
  renew(owner: ClaimOwner, campaignId: string): Promise<number>;
  /** The campaign's status now (null: deleted). */
  campaignStatus(campaignId: string): Promise<string | null>;
}

export interface PipelineDeps {
  store: PipelineStore;
  messenger: Messenger;
  /** VAPID signers by key id (Keyring.signers). */
  signers(ids: string[]): Promise<Map<string, VapidSigner>>;
  gates: ServiceGates;
  inflight: Semaphore;
  log: Logger;
  lease: LeaseTimes;
  /** How often a run checks that its campaign is still sending (a pause takes effect within it). */
  watchMs?: number;
  clock?: () => number;
}

export interface RunInput {
  owner: ClaimOwner;
  message: CampaignMessage;
  /** The encrypted-to-be payload for one receipt reference. */
  encode: (ref: string) => Buffer;
  settings: DeliverySettings;
  /** Stop claiming after this long (the rows claimed by then are still sent and recorded). */
  sliceMs: number;
  /** Checked before every claim: the worker is shutting down. */
  stopping?: () => boolean;
}

export type RunEnd = 'drained' | 'yielded';
export interface RunSummary {
  end: RunEnd;
  claimed: number;
  sent: number;
  /** Rows handed back unsent (their claim could no longer be vouched for). */
  handedBack: number;
}

/** The claimer's progress through the campaign. */
type ClaimerState = { phase: 'walking'; cursor: string | null } | { phase: 'sweeping' } | { phase: 'ended'; end: RunEnd } | { phase: 'failed'; error: unknown };

/** Why claimed rows not yet sent go back unsent: the campaign was paused or cancelled, or the worker is stopping. */
type Halt = { status: 'queued' | 'skipped'; reason: string | null };

/** A claimed row ready to send, with when it was claimed (local ms). */
type Ready = ClaimedRow & { signer: VapidSigner | undefined; claimedAt: number };

export function runDeliveries(deps: PipelineDeps, input: RunInput): Promise<RunSummary> {
  return new DeliveryRun(deps, input).execute();
}

class DeliveryRun {
  private claimer: ClaimerState = { phase: 'walking', cursor: null };
  private readonly queue = new ClaimQueue<Ready>();
  private readonly writer: ResultWriter;
  private readonly lease: Lease;
  private readonly clock: () => number;
  private readonly claimSize: number;
  private halt: Halt | null = null;
  private watcher: ReturnType<typeof setInterval> | null = null;
  private claimed = 0;
  private handedBack = 0;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly input: RunInput,
  ) {
    const { store } = deps;
    const { owner, message } = input;
    this.clock = deps.clock ?? Date.now;
    this.claimSize = Math.max(10, Math.min(250, input.settings.concurrency));
    this.lease = new Lease(deps.lease, () => store.renew(owner, message.campaignId), deps.log, this.clock);
    this.writer = new ResultWriter({
      write: (rows) => store.record(owner, message.campaignId, rows),
      writableUntil: (claimedAt) => this.lease.writableUntil(claimedAt),
      log: deps.log,
      chunk: this.claimSize,
      clock: this.clock,
      campaignId: message.campaignId,
    });
  }

  async execute(): Promise<RunSummary> {
    const senders = Array.from({ length: this.input.settings.concurrency }, () => this.sendLoop());
    this.lease.start();
    this.writer.start();
    this.watcher = setInterval(() => void this.watch(), this.deps.watchMs ?? 500);
    try {
      await Promise.all([this.claimLoop(), ...senders]);
    } finally {
      clearInterval(this.watcher);
      // Record everything sent, even when claiming failed (the database went away, say): those
      // pushes went out, and unrecorded they would be sent again once their claims expire.
      await this.writer.flush();
      await this.lease.stop();
    }
    if (this.writer.failure) throw this.writer.failure;
    if (this.claimer.phase === 'failed') throw this.claimer.error;
    const end = this.claimer.phase === 'ended' ? this.claimer.end : 'yielded';
    return { end, claimed: this.claimed, sent: this.writer.sent, handedBack: this.handedBack };
  }

  private async claimLoop(): Promise<void> {
    const { store, lease } = this.deps;
    const { owner, message, sliceMs, stopping } = this.input;
    const until = this.clock() + sliceMs;
    try {
      for (;;) {
        await this.queue.waitLow(Math.floor(this.claimSize / 2));
        // A failed write stops everything: the rows stay claimed until their lease ends.
        if (this.writer.failure) return;
        // Paused or cancelled (the watch saw it): nothing more is due for this campaign.
        if (this.halt) return void (this.claimer = { phase: 'ended', end: 'drained' });
        if (stopping?.()) this.halt = { status: 'queued', reason: null };
        if (this.clock() > until || this.halt) return void (this.claimer = { phase: 'ended', end: 'yielded' });
        const state = this.claimer;
        if (state.phase !== 'walking' && state.phase !== 'sweeping') return;
        const after = state.phase === 'walking' ? state.cursor : null;
        const claimedAt = this.clock();
        const rows = await store.claim(owner, message.campaignId, this.claimSize, after, lease.leaseMs / 1000);
        if (!rows.length) {
          // Paused or cancelled since (claims need a sending campaign): what is claimed and not
          // yet sent goes back — queued again for a resume, or skipped for good.
          if (await this.watch()) return void (this.claimer = { phase: 'ended', end: 'drained' });
          // Nothing after the cursor: sweep from the beginning once for rows stepped over.
          this.claimer = state.phase === 'sweeping' || after === null ? { phase: 'ended', end: 'drained' } : { phase: 'sweeping' };
          if (this.claimer.phase === 'ended') return;
          continue;
        }
        if (state.phase === 'walking') {
          let cursor = state.cursor;
          for (const r of rows) if (cursor === null || r.subscription_id > cursor) cursor = r.subscription_id;
          this.claimer = { phase: 'walking', cursor };
        }
        this.claimed += rows.length;
        const signers = await this.deps.signers(rows.flatMap((c) => (c.vapid_key_id ? [c.vapid_key_id] : [])));
        this.queue.push(rows.map((c) => ({ ...c, signer: c.vapid_key_id ? signers.get(c.vapid_key_id) : undefined, claimedAt })));
      }
    } catch (error) {
      this.claimer = { phase: 'failed', error };
    } finally {
      this.queue.close();
    }
  }

  /**
   * Whether the campaign stopped sending (paused, cancelled): then what is claimed and not yet
   * sent goes back, queued again for a resume or skipped for good. A failed look is no news.
   */
  private async watch(): Promise<boolean> {
    if (this.halt) return true;
    const status = await this.deps.store.campaignStatus(this.input.message.campaignId).catch(() => 'sending');
    if (status === 'sending') return false;
    this.halt ??= status === 'cancelled' ? { status: 'skipped', reason: CANCELLED_REASON } : { status: 'queued', reason: null };
    return true;
  }

  private async sendLoop(): Promise<void> {
    for (;;) {
      const c = await this.queue.take();
      if (!c) return;
      // While results cannot be written (the database is unreachable), nothing more is sent.
      await this.writer.whileStalled();
      // Results can no longer be recorded: leave the row claimed, unsent; a later run takes it
      // once the claim expires.
      if (this.writer.failure) continue;
      this.writer.add({ ...(await this.sendOne(c)), claimedAt: c.claimedAt });
    }
  }

  /**
   * Sends one claimed row and decides its outcome (no database access). A row whose claim the
   * run can no longer vouch for (the heartbeat has been failing for half a lease) is handed back
   * (status queued, no attempt) instead of sent, so a cut-off worker never races another worker
   * that takes over its claims: only requests already in flight when a worker dies can repeat.
   */
  private async sendOne(c: Ready): Promise<Omit<PendingResult, 'claimedAt'>> {
    const { gates, inflight, messenger, log } = this.deps;
    const { message, encode, settings } = this.input;
    const base = { subscription_id: c.subscription_id, http_status: null, latency_ms: null, vapid_claim_id: null, next_attempt_at: null };
    if (c.sub_status !== 'active') {
      const gone = c.sub_status === 'expired';
      return {
        ...base,
        status: gone ? 'expired' : 'skipped',
        reason: `The subscription was ${gone ? 'already gone' : 'cancelled'} before its turn.`,
        attempted: false,
      };
    }
    if (!c.signer) return { ...base, status: 'failed', reason: 'The VAPID key this subscription was made with no longer exists.', attempted: false };
    const slowDown = (until: number) => ({
      ...base,
      status: 'retrying' as const,
      reason: 'Push service asked us to slow down (429).',
      next_attempt_at: new Date(until).toISOString(),
      attempted: false,
    });
    const paused = gates.pausedUntil(c.push_service);
    if (paused) return slowDown(paused);
    // The process's request slots are shared by its runs; a row may wait here a while, and the
    // campaign may be paused or cancelled meanwhile, so the halt is checked once a slot is ours.
    await inflight.acquire();
    let result: SendResult;
    try {
      if (!(await gates.pass(c.push_service))) return slowDown(gates.pausedUntil(c.push_service) || this.clock() + 1000);
      const halt = this.halt ?? (this.lease.mayStart(c.claimedAt) ? null : { status: 'queued' as const, reason: null });
      if (halt) {
        this.handedBack++;
        return { ...base, ...halt, attempted: false };
      }
      // Each payload carries its own receipt reference, so the service worker can report back.
      const payload = encode(makeRef(message.campaignId, c.subscription_id));
      result = await messenger.send(c, { payload, ttl: message.ttl, urgency: message.urgency, topic: message.push_topic ?? undefined }, c.signer);
    } finally {
      inflight.release();
    }
    if (result.outcome === 'rate_limited' && gates.backOff(c.push_service, result.retryAfterMs)) {
      log.warn('push-service.throttling', { service: c.push_service, retryAfterMs: result.retryAfterMs ?? null });
    } else if (result.outcome === 'delivered') gates.succeeded(c.push_service);
    return {
      ...base,
      ...decide(result, c.attempts, settings),
      http_status: result.status,
      latency_ms: result.latencyMs,
      reason: result.outcome === 'delivered' ? null : (result.reason ?? (result.status ? `HTTP ${result.status}` : 'No answer')),
      vapid_claim_id: result.claim?.id ?? null,
      attempted: true,
    };
  }
}
