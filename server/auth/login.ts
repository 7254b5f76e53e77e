/**
 * Credential checks for sign-in, with throttling per client IP and per e-mail.
 *
 * Unknown e-mail and wrong password give the same answer and cost the same time (a dummy hash is
 * verified), so sign-in does not reveal which accounts exist. Only failures count towards the
 * limits; a success clears the e-mail's counter. The limit applies to any e-mail, existing or
 * not, so "too many attempts" reveals nothing either.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { users } from '../../db/schema';
import { burnPasswordCheck, verifyPassword } from '../../lib/auth/password';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { clearWindow, hitWindow, peekWindow } from '../rate-limit/window';

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'marketer' | 'viewer';
  sessionVersion: number;
}

const emailKey = (email: string) => `login:email:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

export const INVALID_CREDENTIALS = 'Wrong e-mail or password.';

export async function authenticate(
  db: Db,
  input: { email: unknown; password: unknown; ip: string | null },
): Promise<SignedInUser> {
  const cfg = config();
  const windowSeconds = Math.round(cfg.LOGIN_WINDOW_MINUTES * 60);
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, 254) : '';
  const password = typeof input.password === 'string' ? input.password.slice(0, 1000) : '';
  const ip = input.ip ?? 'unknown';

  const [byIp, byEmail] = await Promise.all([
    peekWindow(db, ipKey(ip), windowSeconds),
    email ? peekWindow(db, emailKey(email), windowSeconds) : Promise.resolve({ count: 0, resetAt: new Date() }),
  ]);
  const blocked = [
    byIp.count >= cfg.LOGIN_MAX_FAILURES_PER_IP ? byIp.resetAt : null,
    byEmail.count >= cfg.LOGIN_MAX_FAILURES_PER_EMAIL ? byEmail.resetAt : null,
  ].filter((d): d is Date => d !== null);
  if (blocked.length) {
    const until = Math.max(...blocked.map((d) => d.getTime()));
    const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    logger.warn('auth.login-throttled', { ip, retryAfter });
    throw new AppError('rate_limited', 'Too many sign-in attempts.', { retryAfter });
  }

  const [user] = email ? await db.select().from(users).where(eq(users.email, email)) : [];
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await Promise.all([
      hitWindow(db, ipKey(ip), windowSeconds),
      email ? hitWindow(db, emailKey(email), windowSeconds) : null,
    ]);
    logger.info('auth.login-failed', { ip });
    throw new AppError('unauthorized', INVALID_CREDENTIALS);
  }
  if (user.disabledAt) {
    // Only said to someone who knows the password.
    throw new AppError('forbidden', 'This account is disabled. Ask an admin or owner to enable it.');
  }
  await Promise.all([
    clearWindow(db, emailKey(email)),
    db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id)),
  ]);
  logger.info('auth.login', { userId: user.id, ip });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
