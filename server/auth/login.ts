/**
 * Credential checks for sign-in, with throttling per client IP and per e-mail.
 *
 * Unknown e-mail and wrong password give the same answer and cost the same time (a dummy hash is
 * verified), so sign-in does not reveal which accounts exist. Every attempt is counted before the
 * password is checked (so concurrent guesses cannot all slip under the limit); a success clears
 * the e-mail's counter and gives the address its attempt back. The limit applies to any e-mail, existing or
 * not, so "too many attempts" reveals nothing either.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { users } from '../../db/schema';
import { burnPasswordCheck, verifyPassword } from '../../lib/auth/password';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { reserveAttempt, settleSuccess } from '../rate-limit/attempts';

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'marketer' | 'viewer';
  sessionVersion: number;
}

const emailKey = (email: string) => `login:email:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;
/** One budget per address for every secret check (sign-in, set-up, changing a password). */
export const ipKey = (ip: string | null | undefined) => `login:ip:${ip ?? 'unknown'}`;

export const INVALID_CREDENTIALS = 'Wrong e-mail or password.';

export async function authenticate(db: Db, input: { email: unknown; password: unknown; ip: string | null }): Promise<SignedInUser> {
  const cfg = config();
  const windowSeconds = Math.round(cfg.LOGIN_WINDOW_MINUTES * 60);
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, 254) : '';
  const password = typeof input.password === 'string' ? input.password.slice(0, 1000) : '';
  const ip = input.ip ?? 'unknown';

  // Reserve the attempt before any password is hashed: N concurrent guesses take N counts, and the
  // ones over the limit are refused without a check.
  const limits = [{ key: ipKey(ip), max: cfg.LOGIN_MAX_FAILURES_PER_IP }];
  if (email) limits.push({ key: emailKey(email), max: cfg.LOGIN_MAX_FAILURES_PER_EMAIL });
  try {
    await reserveAttempt(db, limits, windowSeconds, 'Too many sign-in attempts.');
  } catch (err) {
    if (err instanceof AppError) logger.warn('auth.login-throttled', { ip, retryAfter: err.retryAfter });
    throw err;
  }

  const [user] = email ? await db.select().from(users).where(eq(users.email, email)) : [];
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    logger.info('auth.login-failed', { ip });
    throw new AppError('unauthorized', INVALID_CREDENTIALS);
  }
  // The password was right: the attempt was not a failure.
  await settleSuccess(db, [emailKey(email)], [ipKey(ip)]);
  if (user.disabledAt) {
    // Only said to someone who knows the password.
    throw new AppError('forbidden', 'This account is disabled. Ask an admin or owner to enable it.');
  }
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  logger.info('auth.login', { userId: user.id, ip });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
