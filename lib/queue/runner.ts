/**
 * Runs handlers for pg-boss queues through pg-boss's public API only (fetch, complete, fail).
 *
 * pg-boss's own `work()` acknowledges a job without awaiting the result, so a database blip at
 * that moment is an unhandled rejection that ends the process; and it sleeps a whole polling
 * interval after every job. Here every acknowledgement is awaited (a lost one is logged: the job
 * expires and runs again, and every handler is idempotent), a poller fetches again at once while
 * its queue has work, and `wake(name)` ends a poller's sleep when this process just enqueued.
 */
import 'server-only';
import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import { isDatabaseUnavailable } from '../errors';
import type { Logger } from '../logger';
import type { Boss } from './boss';

/** A job type: its queue's name, the shape of its data and its queue options. */
export interface JobType<S extends z.ZodType = z.ZodType> {
  name: string;
  data: S;
  /** As ensureQueue (boss.ts) takes them: policy, expiry and retries explicit. */
  queue: Omit<PgBoss.Queue, 'name'> & { expireInSeconds: number; retryLimit: number };
  /** How often an idle poller looks for work. */
  pollSeconds: number;
}

export class JobRunner {
  private readonly pollers: { name: string; wake: () => void; done: Promise<void> }[] = [];
  private stopping = false;

  constructor(
    private readonly boss: Boss,
    private readonly log: Logger,
  ) {}

  /** Polls `type`'s queue and runs `handler` for each job, one at a time, until stop(). */
  handle<S extends z.ZodType>(type: JobType<S>, handler: (data: z.infer<S>) => Promise<void>): void {
    let wakeUp: (() => void) | null = null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => ((wakeUp = null), resolve()), ms);
        wakeUp = () => (clearTimeout(t), (wakeUp = null), resolve());
      });
    const loop = async () => {
      while (!this.stopping) {
        let job: { id: string; data: unknown } | undefined;
        try {
          [job] = await this.boss.fetch(type.name, { batchSize: 1 });
        } catch (err) {
          this.report(type.name, 'job.fetch-failed', err);
        }
        if (!job) {
          if (!this.stopping) await sleep(type.pollSeconds * 1000);
          continue;
        }
        await this.run(type, job, handler);
      }
    };
    this.pollers.push({ name: type.name, wake: () => wakeUp?.(), done: loop() });
  }

  private async run<S extends z.ZodType>(type: JobType<S>, job: { id: string; data: unknown }, handler: (data: z.infer<S>) => Promise<void>) {
    const parsed = type.data.safeParse(job.data);
    try {
      if (!parsed.success) throw new Error(`Malformed ${type.name} job: ${parsed.error.message}`);
      await handler(parsed.data);
    } catch (err) {
      this.report(type.name, 'job.failed', err, job.id);
      await this.boss
        .fail(type.name, job.id, { message: err instanceof Error ? err.message : String(err) })
        .catch((e: unknown) => this.report(type.name, 'job.ack-failed', e, job.id));
      return;
    }
    await this.boss.complete(type.name, job.id).catch((e: unknown) => this.report(type.name, 'job.ack-failed', e, job.id));
  }

  /** The database going away is expected during restarts (reported by /api/health): a warning. */
  private report(queue: string, event: string, err: unknown, jobId?: string) {
    (isDatabaseUnavailable(err) ? this.log.warn : this.log.error).call(this.log, event, { queue, jobId, err });
  }

  /** Ends the idle wait of this process's pollers of `name`. */
  wake(name: string): void {
    for (const p of this.pollers) if (p.name === name) p.wake();
  }

  /** Stops fetching and waits for the jobs in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const p of this.pollers) p.wake();
    await Promise.all(this.pollers.map((p) => p.done));
  }
}
