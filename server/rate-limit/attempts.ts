/**
 * Throttling for anything that checks a secret (sign-in, set-up, changing a password): an attempt
 * is reserved atomically — counted — *before* the secret is checked, and refused without any
 * password hashing when that takes a counter over its limit. Reading the counters first and
 * counting failures afterwards let every one of N concurrent guesses through the check.
 *
 * After a success the caller clears the counters that belong to the account and gives back the
 * reservation on shared ones (an address): successes do not count as failures, but a valid
 * account cannot be used to wipe an address's failures.
 */
import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { rateLimits } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { clearWindow, hitWindow } from './window';

export interface AttemptLimit {
  key: string;
  /** Attempts allowed in the window. */
  max: number;
}

/**
 * Counts one attempt on every limit; throws `rate_limited` (with Retry-After) when any of them is
 * now over its maximum. The refused attempt stays counted: it was made.
 */
export async function reserveAttempt(db: Db, limits: AttemptLimit[], windowSeconds: number, message = 'Too many attempts.'): Promise<void> {
  const states = await Promise.all(limits.map((l) => hitWindow(db, l.key, windowSeconds)));
  const over = states.filter((s, i) => s.count > limits[i]!.max);
  if (!over.length) return;
  const until = Math.max(...over.map((s) => s.resetAt.getTime()));
  throw new AppError('rate_limited', message, { retryAfter: Math.max(1, Math.ceil((until - Date.now()) / 1000)) });
}

/** Gives back one reserved attempt (a success on a shared counter). */
export async function refundAttempt(db: Db, key: string): Promise<void> {
  await db.execute(sql`update ${rateLimits} set count = greatest(${rateLimits.count} - 1, 0) where key = ${key}`);
}

/** After a success: the account's own counters start again, shared ones get their attempt back. */
export async function settleSuccess(db: Db, own: string[], shared: string[]): Promise<void> {
  await Promise.all([...own.map((k) => clearWindow(db, k)), ...shared.map((k) => refundAttempt(db, k))]);
}
