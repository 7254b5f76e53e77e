/**
 * The job registry through pg-boss and the runner, on both databases: a job runs once and is
 * completed; the scheduler's housekeeping job (sent with no data) is run, not refused; a job
 * whose data does not match its schema fails without running the handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../lib/logger';
import { JobRunner } from '../lib/queue/runner';
import { getRuntime, stopRuntime, type Runtime } from './runtime';
import { enqueue, ensureJobQueues, JOBS } from './jobs';
import { openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../tests/support/db';

let tdb: TestDatabase;
let rt: Runtime;

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  rt = await getRuntime('cli');
  await ensureJobQueues(rt.boss);
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await tdb?.dispose();
});

async function settled(id: string, queue: string) {
  for (let i = 0; i < 200; i++) {
    const job = await rt.boss.getJobById(queue, id);
    if (job && ['completed', 'failed', 'retry'].includes(job.state)) return job.state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never settled`);
}

describe('the job runner', () => {
  it('runs each job once with its parsed data, and completes it', async () => {
    const seen: string[] = [];
    const runner = new JobRunner(rt.boss, logger);
    runner.handle(JOBS.start, async (d) => void seen.push(d.campaignId));
    const campaignId = '00000000-0000-4000-8000-000000000abc';
    const id = await enqueue(rt.boss, 'start', { campaignId }, { singletonKey: campaignId });
    runner.wake(JOBS.start.name);
    expect(await settled(id!, JOBS.start.name)).toBe('completed');
    await runner.stop();
    expect(seen).toEqual([campaignId]);
  });

  it('runs the housekeeping job the scheduler sends without data', async () => {
    let ran = 0;
    const runner = new JobRunner(rt.boss, logger);
    runner.handle(JOBS.housekeeping, async () => void ran++);
    const id = await rt.boss.send({ name: JOBS.housekeeping.name });
    runner.wake(JOBS.housekeeping.name);
    expect(await settled(id!, JOBS.housekeeping.name)).toBe('completed');
    await runner.stop();
    expect(ran).toBe(1);
  });

  it('fails a job whose data does not match its schema, without running the handler', async () => {
    let ran = 0;
    const runner = new JobRunner(rt.boss, logger);
    runner.handle(JOBS.fanout, async () => void ran++);
    const id = await rt.boss.send(JOBS.fanout.name, { campaignId: 'not-a-uuid' }, { retryLimit: 0 });
    runner.wake(JOBS.fanout.name);
    expect(await settled(id!, JOBS.fanout.name)).toBe('failed');
    await runner.stop();
    expect(ran).toBe(0);
  });
});
