/**
 * A worker process's sending: `slots` runs (pipeline.ts) at a time over the campaigns that have
 * deliveries due, claimed straight from the `deliveries` table — it is the queue: leased rows,
 * crash-safe, with retries as rows whose next_attempt_at has come. No job says where to look.
 *
 * A free slot takes the due campaign fewest of this process's slots are working on (two slots on
 * one campaign are fine: claims never overlap), runs it for a time slice, and looks again, so
 * campaigns sending at once take turns. With nothing due it sleeps until `wake()` (this process
 * just fanned out or resumed something) or `idleMs` (another process did, or a retry came due).
 */
import 'server-only';
import type { Logger } from '../../lib/logger';
import { payloadEncoder, pointerPayload } from '../../lib/push/payload';
import { linksFor } from '../push/links';
import { messageToken } from '../store/messages';
import { runDeliveries, type PipelineDeps, type RunSummary } from './pipeline';
import { getDeliverySettings } from './settings';
import type { Db } from '../../db';
import { newClaimOwner } from './rows';
import { DeliveryStore } from './store';

export interface DispatcherOptions {
  db: Db;
  workerId: string;
  pipeline: Omit<PipelineDeps, 'store'>;
  log: Logger;
  slots?: number;
  sliceMs?: number;
  idleMs?: number;
}

export class Dispatcher {
  private stopping = false;
  private readonly working = new Map<string, number>();
  private due: string[] = [];
  private looking: Promise<void> | null = null;
  private lookedAt = 0;
  private sleepers: (() => void)[] = [];
  /** Counts wake() calls: a wake that came while a slot was looking is not lost. */
  private pokes = 0;
  private loops: Promise<void>[] = [];
  private readonly store: DeliveryStore;

  constructor(private readonly o: DispatcherOptions) {
    this.store = new DeliveryStore(o.db);
  }

  start(): void {
    this.loops = Array.from({ length: this.o.slots ?? 2 }, () => this.slot());
  }

  /** Looks for due deliveries now instead of at the end of the idle wait. */
  wake(): void {
    this.pokes++;
    for (const w of this.sleepers.splice(0)) w();
  }

  /** Stops claiming; waits until what was claimed is sent and recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await Promise.all(this.loops);
  }

  private async slot(): Promise<void> {
    while (!this.stopping) {
      const seen = this.pokes;
      const campaignId = await this.next();
      if (!campaignId) {
        if (this.pokes === seen) await this.idle();
        else this.due = []; // woken while looking: look again
        continue;
      }
      this.working.set(campaignId, (this.working.get(campaignId) ?? 0) + 1);
      try {
        const summary = await this.runCampaign(campaignId);
        // Drained: nothing due for now (its retries come due later, or other runs hold the rest).
        if (summary?.end !== 'yielded') this.due = this.due.filter((id) => id !== campaignId);
        else this.due = [...this.due.filter((id) => id !== campaignId), campaignId];
      } catch (err) {
        // The database went away, say: the rows stay claimed and are taken over after the lease.
        this.o.log.warn('delivery.run-failed', { campaignId, err });
        this.due = this.due.filter((id) => id !== campaignId);
        await this.idle();
      } finally {
        const n = (this.working.get(campaignId) ?? 1) - 1;
        if (n) this.working.set(campaignId, n);
        else this.working.delete(campaignId);
      }
    }
  }

  /**
   * The due campaign with the fewest of this process's slots on it. The list comes from the
   * database when empty, and again every time slice (campaigns started since, by any process).
   */
  private async next(): Promise<string | null> {
    if (!this.due.length || Date.now() - this.lookedAt > (this.o.sliceMs ?? 10_000)) {
      this.looking ??= this.store
        .dueCampaigns(this.o.pipeline.lease.leaseMs / 1000)
        .then((ids) => {
          this.due = ids;
          this.lookedAt = Date.now();
        })
        .catch((err: unknown) => this.o.log.warn('delivery.poll-failed', { err }))
        .finally(() => (this.looking = null));
      await this.looking;
    }
    let best: string | null = null;
    for (const id of this.due) if (best === null || (this.working.get(id) ?? 0) < (this.working.get(best) ?? 0)) best = id;
    return best;
  }

  private idle(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers = this.sleepers.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, this.o.idleMs ?? 1000);
      this.sleepers.push(done);
    });
  }

  private async runCampaign(campaignId: string): Promise<RunSummary | null> {
    const { db, pipeline, log } = this.o;
    const settings = await getDeliverySettings(db);
    pipeline.inflight.setPermits(settings.concurrency);
    pipeline.gates.setConfiguredRate(settings.ratePerService);
    const message = await this.store.message(campaignId);
    if (!message || message.status !== 'sending') return null;
    const pointer = message.message_id ? { messageId: message.message_id, token: messageToken(message.message_id) } : null;
    const links = linksFor({ slug: message.project_slug, origins: message.project_origins });
    const encode = pointer ? (ref: string) => pointerPayload(message.content, pointer, links, { ref }) : payloadEncoder(message.content, links);
    // Claims belong to this run, not to the process (see ClaimOwner).
    const summary = await runDeliveries(
      { ...pipeline, store: this.store },
      { owner: newClaimOwner(this.o.workerId), message, encode, settings, sliceMs: this.o.sliceMs ?? 10_000, stopping: () => this.stopping },
    );
    if (await this.store.complete(campaignId)) log.info('campaign.completed', { campaignId });
    log.debug('campaign.run', { campaignId, ...summary });
    return summary;
  }
}
