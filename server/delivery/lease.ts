/**
 * How long a worker's claims on delivery rows last, and the heartbeat that keeps a live worker's
 * claims: while a run works it renews them every `heartbeatMs`, so only a dead (or cut-off)
 * worker's claims grow older than the lease, and another worker takes them over within a lease.
 *
 * The rule that keeps delivery exactly-once for every row not in flight at a crash: a run starts
 * no request for a row more than half a lease after it last knew the row was its own (the claim,
 * or the last renewal that succeeded), and a request ends within PUSH_TIMEOUT_SECONDS, which the
 * configuration keeps under half the lease. So a request is never in flight once the claim can
 * be taken over, unless the worker died while making it.
 */
import 'server-only';
import type { Logger } from '../../lib/logger';

export interface LeaseTimes {
  leaseMs: number;
  /** How often a run renews its claims; a fifth of the lease, so several renewals may fail in a row. */
  heartbeatMs: number;
}

/** From WORKER_LEASE_SECONDS. */
export function leaseTimes(seconds: number): LeaseTimes {
  const leaseMs = seconds * 1000;
  return { leaseMs, heartbeatMs: Math.max(200, Math.floor(leaseMs / 5)) };
}

/**
 * One run's hold on its claims. `renew` (DeliveryStore.renew) sets claimed_at = now() on every
 * row the run still holds. `heldSince(claimedAt)` is the latest moment the run knows a row was
 * its own: the later of the row's claim and the start of the last renewal that succeeded.
 */
export class Lease {
  private renewedAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly times: LeaseTimes,
    private readonly renew: () => Promise<unknown>,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.beat(), this.times.heartbeatMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.renewing;
  }

  /** One renewal (the timer calls it; tests may too). A failure is logged; the next beat tries again. */
  beat(): Promise<void> {
    if (this.renewing) return this.renewing;
    const startedAt = this.clock();
    this.renewing = this.renew()
      .then(() => {
        this.renewedAt = Math.max(this.renewedAt, startedAt);
      })
      .catch((err: unknown) => this.log.warn('delivery.heartbeat-failed', { err }))
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  heldSince(claimedAt: number): number {
    return Math.max(claimedAt, this.renewedAt);
  }

  /** Whether a request for a row claimed at `claimedAt` may still start. */
  mayStart(claimedAt: number): boolean {
    return this.clock() < this.heldSince(claimedAt) + this.times.leaseMs / 2;
  }

  /** Until when writing a result for a row claimed at `claimedAt` is still worth retrying. */
  writableUntil(claimedAt: number): number {
    return this.heldSince(claimedAt) + this.times.leaseMs * 0.9;
  }
}
