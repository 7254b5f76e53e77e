/**
 * pg-boss, the durable job queue, in the `pgboss` schema next to ours.
 *
 * On PostgreSQL it opens its own small pool. On PGlite it shares the app's single PGlite
 * instance through an in-process adapter (PGlite serialises queries and transactions itself;
 * a socket bridge would interleave transactions from different "connections").
 *
 * `txExecutor(tx)` lets `boss.send(..., { db })` enqueue inside one of our Drizzle transactions,
 * so a job exists if and only if the rows that describe it were committed. Handlers run through
 * runner.ts (pg-boss's public fetch/complete/fail), never `boss.work`.
 */
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import type { Database, Db } from '../../db';
import { rowsOf } from '../../db';
import { config } from '../env';
import { isDatabaseUnavailable } from '../errors';
import { logger } from '../logger';

export type Boss = PgBoss;

export interface BossOptions {
  /** Leave maintenance (archiving, expiry) to another process. */
  supervise?: boolean;
  schedule?: boolean;
}

export function pgliteExecutor(database: Database): PgBoss.Db {
  const pglite = database.pglite!;
  return {
    async executeSql(text: string, values: unknown[]) {
      if (values && values.length) return pglite.query(text, values as unknown[]);
      // Parameterless text may hold several statements (pg-boss's DDL, BEGIN … COMMIT blocks).
      const results = await pglite.exec(text);
      return { rows: results.flatMap((r) => r.rows ?? []) };
    },
  };
}

/**
 * pg-boss was written for node-postgres, which sends `undefined` as NULL and objects as JSON.
 * Drizzle renders `undefined` as nothing at all and postgres.js refuses plain objects.
 */
function param(v: unknown): unknown {
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) return JSON.stringify(v);
  return v;
}

/** Runs pg-boss's `$n`-parameterised SQL on a Drizzle handle (typically a transaction). */
export function txExecutor(db: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const parts = text.split(/\$(\d+)/);
      const chunks: SQL[] = [];
      parts.forEach((part, i) => {
        if (i % 2 === 0) chunks.push(sql.raw(part));
        else chunks.push(sql`${param(values[Number(part) - 1])}`);
      });
      return { rows: rowsOf(await db.execute(sql.join(chunks, sql.raw('')))) };
    },
  };
}

export async function createBoss(database: Database, opts: BossOptions = {}): Promise<Boss> {
  const common = {
    schema: 'pgboss',
    supervise: opts.supervise ?? true,
    schedule: opts.schedule ?? true,
    migrate: true,
    // Archive finished jobs after a day, drop archived ones after a week.
    archiveCompletedAfterSeconds: 24 * 3600,
    deleteAfterDays: 7,
    monitorStateIntervalSeconds: 60,
    // Expired jobs (a crashed worker's) are retried after the maintenance pass notices them.
    maintenanceIntervalSeconds: config().QUEUE_MAINTENANCE_SECONDS,
  };
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: pgliteExecutor(database) })
      : new PgBoss({ ...common, connectionString: database.url!, max: 4, application_name: 'pushdeck-queue' });
  // The database being away (restarting, say) is expected and reported by /api/health; anything
  // else the queue's supervisor meets is an error.
  // Logged without the stack (it repeats every supervision cycle while the database is away).
  boss.on('error', (err) =>
    isDatabaseUnavailable(err)
      ? logger.warn('queue.database-unavailable', { err: err.message, code: (err as { code?: string }).code })
      : logger.error('queue.error', { err }),
  );
  await boss.start();
  return boss;
}

/**
 * Creates a queue when missing (pg-boss 10 requires queues to exist before send/work), and
 * brings an existing queue's retry and expiry options up to date (they change with settings
 * such as WORKER_LEASE_SECONDS; the policy of an existing queue cannot change).
 */
export async function ensureQueue(boss: Boss, name: string, options: Omit<PgBoss.Queue, 'name'> = {}): Promise<void> {
  const existing = await boss.getQueue(name);
  if (!existing) {
    try {
      await boss.createQueue(name, { name, ...options });
    } catch (e) {
      // Another process created it between our check and our insert.
      if (!(await boss.getQueue(name))) throw e;
    }
    return;
  }
  const keys = ['expireInSeconds', 'retryLimit', 'retryDelay', 'retryBackoff'] as const;
  if (keys.some((k) => options[k] !== undefined && options[k] !== existing[k])) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { policy, ...rest } = options;
    await boss.updateQueue(name, { name, ...rest });
  }
}
