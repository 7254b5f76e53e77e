/**
 * A run's results on their way to the database: written in the background, one statement at a
 * time, whatever accumulated while the previous write ran (at most `maxRows` each), and at least
 * every `flushEveryMs`. Its state is explicit:
 *
 *   idle ──kick──▶ writing ──done──▶ idle
 *                    │ ▲
 *     database away  ▼ │ back
 *                  stalled ──gave up──▶ failed (final: nothing more is written)
 *
 * While stalled the run sends nothing more (a push whose result is never recorded goes out again
 * once its claim expires). A write is retried while the database is unreachable, but only until
 * `writableUntil` of its oldest row: after that its claims may belong to another worker.
 */
import { isDatabaseUnavailable } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { ResultRow } from './rows';

export interface PendingResult extends ResultRow {
  /** When the row was claimed (local ms). */
  claimedAt: number;
}

export type WriterState = { kind: 'idle' } | { kind: 'writing'; current: Promise<void>; stalled: boolean } | { kind: 'failed'; error: unknown };

export interface ResultWriterOptions {
  /** Writes the rows; returns how many were still this run's to write. */
  write: (rows: ResultRow[]) => Promise<number>;
  /** Until when (ms) writing rows claimed at `claimedAt` is worth retrying. */
  writableUntil: (claimedAt: number) => number;
  log: Logger;
  /** A full chunk: written as soon as this many are waiting. */
  chunk: number;
  maxRows?: number;
  flushEveryMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** For logs. */
  campaignId: string;
}

export class ResultWriter {
  private pending: PendingResult[] = [];
  private state: WriterState = { kind: 'idle' };
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Rows written, and of them the ones sent. */
  written = 0;
  sent = 0;

  constructor(private readonly o: ResultWriterOptions) {}

  get failure(): unknown {
    return this.state.kind === 'failed' ? (this.state.error ?? new Error('Writing results failed')) : null;
  }

  get stalled(): boolean {
    return this.state.kind === 'writing' && this.state.stalled;
  }

  get waiting(): number {
    return this.pending.length;
  }

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.o.flushEveryMs ?? 200);
  }

  add(row: PendingResult): void {
    this.pending.push(row);
    if (this.pending.length >= this.o.chunk) this.kick();
  }

  /** Starts a write of what is waiting, unless one is running (or writing has failed). */
  kick(): void {
    if (this.state.kind !== 'idle' || !this.pending.length) return;
    const rows = this.pending.splice(0, this.o.maxRows ?? 1000);
    const current = this.writeRetrying(rows).then(
      () => {
        this.state = { kind: 'idle' };
        if (this.pending.length >= this.o.chunk) this.kick();
      },
      (error: unknown) => {
        this.state = { kind: 'failed', error };
      },
    );
    this.state = { kind: 'writing', current, stalled: false };
  }

  /** Resolves once no write is stalled (it got through, or writing failed for good). */
  async whileStalled(): Promise<void> {
    while (this.state.kind === 'writing' && this.state.stalled) await this.state.current;
  }

  /** Writes everything waiting; stops the timer. Resolves even if writing failed (see `failure`). */
  async flush(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (;;) {
      if (this.state.kind === 'writing') await this.state.current;
      else if (this.state.kind === 'idle' && this.pending.length) this.kick();
      else return;
    }
  }

  private async writeRetrying(rows: PendingResult[]): Promise<void> {
    const clock = this.o.clock ?? Date.now;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const oldest = Math.min(...rows.map((r) => r.claimedAt));
    const plain = rows.map(({ claimedAt: _, ...r }) => r);
    for (let attempt = 0; ; attempt++) {
      try {
        this.written += await this.o.write(plain);
        this.sent += plain.filter((r) => r.status === 'sent').length;
        return;
      } catch (e) {
        const wait = Math.min(4000, 100 * 2 ** attempt);
        // Asked again each time: a heartbeat that got through meanwhile keeps the claims ours.
        if (!isDatabaseUnavailable(e) || clock() + wait > this.o.writableUntil(oldest)) throw e;
        if (this.state.kind === 'writing') this.state.stalled = true;
        this.o.log.warn('campaign.flush-retry', { campaignId: this.o.campaignId, attempt, err: e });
        await sleep(wait);
      }
    }
  }
}
