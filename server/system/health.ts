/**
 * Readiness: the database answers and the job queue's tables are reachable through the queue's
 * own connection. Each probe has a deadline so a hung database yields 503, not a hung request.
 */
import 'server-only';
import { sql } from 'drizzle-orm';
import { isConnectionRefused, isDatabaseUnavailable } from '../../lib/errors';
import { errorText } from '../../lib/logger';
import { currentInboxHub } from '../inbox/hub';
import { getRuntime } from '../runtime';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** More than any pool here holds connections (app pool, queue pool). */
const PROBE_ATTEMPTS = 12;

export interface Health {
  status: 'ok' | 'unavailable';
  database: { ok: boolean; kind?: string; latencyMs?: number; error?: string };
  queue: { ok: boolean; latencyMs?: number; error?: string };
  /** Long-poll inbox requests currently held open by this process. */
  inbox: { waiting: number };
  uptimeSeconds: number;
}

export async function checkHealth(): Promise<Health> {
  const out: Health = {
    status: 'ok',
    database: { ok: false },
    queue: { ok: false },
    inbox: { waiting: currentInboxHub()?.waiting ?? 0 },
    uptimeSeconds: Math.round(process.uptime()),
  };
  let rt;
  try {
    rt = await withTimeout(getRuntime(), 15_000, 'start-up');
  } catch (e) {
    out.status = 'unavailable';
    out.database.error = out.queue.error = errorText(e);
    return out;
  }
  // After a database restart the first query on each pooled connection fails once (the restart cut
  // it), and a pool can hold several such connections: retrying while the failure is a connection
  // failure (each retry takes the next connection, or opens a fresh one) keeps health from flapping
  // back to 503 once the server is up. A refused connection means the server is down: no retry.
  const probe = async <T>(fn: () => Promise<T>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isDatabaseUnavailable(e) || isConnectionRefused(e) || attempt >= PROBE_ATTEMPTS) throw e;
      }
    }
  };
  const t0 = performance.now();
  try {
    await withTimeout(
      probe(() => rt.database.db.execute(sql`select 1`)),
      3000,
      'database',
    );
    out.database = { ok: true, kind: rt.database.kind, latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    out.database = { ok: false, kind: rt.database.kind, error: errorText(e) };
  }
  const t1 = performance.now();
  try {
    await withTimeout(
      probe(() => rt.boss.getQueue('system.housekeeping')),
      3000,
      'queue',
    );
    out.queue = { ok: true, latencyMs: Math.round(performance.now() - t1) };
  } catch (e) {
    out.queue = { ok: false, error: errorText(e) };
  }
  if (!out.database.ok || !out.queue.ok) out.status = 'unavailable';
  return out;
}
