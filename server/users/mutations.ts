/**
 * Creating and changing users. Each mutation checks the actor's permission first, changes rows
 * by conditional update inside one transaction, and writes its audit row in that transaction.
 *
 * Invariants kept here: nobody changes their own role or disables themselves; admins never touch
 * owners; at least one enabled owner always remains (owner rows are locked while checking, so two
 * owners demoting each other at the same moment cannot both succeed).
 */
import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { users, type Role, type User } from '../../db/schema';
import { hashPassword, verifyPassword } from '../../lib/auth/password';
import { manageableRoles, roleLabel } from '../../lib/auth/roles';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { ipKey } from '../auth/login';
import { config } from '../../lib/env';
import { reserveAttempt, settleSuccess } from '../rate-limit/attempts';
import { actorRole, assertCan, inTx, type Ctx } from '../context';
import { adoptOwnerContact } from '../vapid/mutations';
import { setupOpen } from './queries';
import { changeOwnPasswordSchema, changeRoleSchema, createUserSchema, resetPasswordSchema, setDisabledSchema, setupOwnerSchema } from './schemas';

export type PublicUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'disabledAt' | 'createdAt' | 'lastLoginAt'>;

export function publicUser(u: User): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabledAt: u.disabledAt, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt };
}

function auditView(u: User) {
  return { email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null };
}

function assertMayGrant(ctx: Ctx, role: Role) {
  const mine = actorRole(ctx.actor);
  if (!mine || !manageableRoles(mine).includes(role)) {
    throw new AppError('forbidden', `You cannot grant the ${roleLabel[role]} role.`);
  }
}

export async function createUser(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = createUserSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { email, name, password, role } = parsed.data;
  assertMayGrant(ctx, role);
  const passwordHash = await hashPassword(password);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db.insert(users).values({ email, name, passwordHash, role }).onConflictDoNothing({ target: users.email }).returning();
    if (!row) {
      throw new AppError('conflict', 'A user with that e-mail already exists.', {
        fieldErrors: { email: ['A user with that e-mail already exists.'] },
      });
    }
    await recordAudit(tx, { action: 'user.create', targetType: 'user', targetId: row.id, targetLabel: row.email, after: auditView(row) });
    return publicUser(row);
  });
}

/** Locks and returns the target, refusing self-service and targets outside the actor's reach. */
async function lockTarget(tx: Ctx, userId: string, verb: string): Promise<User> {
  const [target] = await tx.db.select().from(users).where(eq(users.id, userId)).for('update');
  if (!target) throw new AppError('not_found', 'That user does not exist.');
  if (tx.actor.kind === 'user' && tx.actor.id === target.id) {
    throw new AppError('forbidden', `You cannot ${verb} your own account. Ask another admin or owner.`);
  }
  const mine = actorRole(tx.actor);
  if (!mine || !manageableRoles(mine).includes(target.role)) {
    throw new AppError('forbidden', `Only an owner can ${verb} an owner.`);
  }
  return target;
}

/** Fails when `target` is the last enabled owner and is about to stop being one. */
async function assertAnotherOwner(tx: Ctx, target: User) {
  if (target.role !== 'owner' || target.disabledAt) return;
  const owners = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'owner'), isNull(users.disabledAt)))
    .for('update');
  if (owners.filter((o) => o.id !== target.id).length === 0) {
    throw new AppError('conflict', 'This is the last enabled owner. Make someone else an owner first.');
  }
}

export async function changeUserRole(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = changeRoleSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { userId, role } = parsed.data;
  assertMayGrant(ctx, role);
  return inTx(ctx, async (tx) => {
    const target = await lockTarget(tx, userId, 'change the role of');
    if (target.role === role) return publicUser(target);
    if (role !== 'owner') await assertAnotherOwner(tx, target);
    const [row] = await tx.db
      .update(users)
      .set({ role, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit(tx, {
      action: 'user.change-role',
      targetType: 'user',
      targetId: userId,
      targetLabel: target.email,
      before: { role: target.role },
      after: { role: row!.role },
    });
    return publicUser(row!);
  });
}

export async function setUserDisabled(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = setDisabledSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { userId, disabled } = parsed.data;
  return inTx(ctx, async (tx) => {
    const target = await lockTarget(tx, userId, disabled ? 'disable' : 'enable');
    if ((target.disabledAt !== null) === disabled) return publicUser(target);
    if (disabled) await assertAnotherOwner(tx, target);
    const [row] = await tx.db
      .update(users)
      .set({
        disabledAt: disabled ? new Date() : null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit(tx, {
      action: disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: userId,
      targetLabel: target.email,
      before: { disabled: target.disabledAt !== null },
      after: { disabled },
    });
    return publicUser(row!);
  });
}

export async function resetUserPassword(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = resetPasswordSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const passwordHash = await hashPassword(parsed.data.password);
  return inTx(ctx, async (tx) => {
    const target = await lockTarget(tx, parsed.data.userId, 'reset the password of');
    const [row] = await tx.db
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, parsed.data.userId))
      .returning();
    // The audit row records that it happened, never the password.
    await recordAudit(tx, { action: 'user.reset-password', targetType: 'user', targetId: row!.id, targetLabel: target.email });
    return publicUser(row!);
  });
}

/**
 * First-run setup: creates the owner only while no user exists. The table lock makes two
 * concurrent setup submissions take turns; the second sees a user and is refused.
 */
const SETUP_DONE = 'Setup is already complete. Sign in instead.';
const windowSeconds = () => Math.round(config().LOGIN_WINDOW_MINUTES * 60);

export async function createFirstOwner(ctx: Ctx, input: unknown): Promise<PublicUser> {
  const parsed = setupOwnerSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { email, name, password } = parsed.data;
  // Refuse before hashing: once set-up is done an anonymous call costs one count, not a scrypt.
  if (!(await setupOpen(ctx))) throw new AppError('conflict', SETUP_DONE);
  const cfg = config();
  await reserveAttempt(ctx.db, [{ key: ipKey(ctx.ip), max: cfg.LOGIN_MAX_FAILURES_PER_IP }], windowSeconds(), 'Too many set-up attempts.');
  const passwordHash = await hashPassword(password);
  const owner = await inTx(ctx, async (tx) => {
    await tx.db.execute(sql`lock table ${users} in share row exclusive mode`);
    const [{ n }] = (await tx.db.select({ n: sql<number>`count(*)::int` }).from(users)) as [{ n: number }];
    if (n > 0) throw new AppError('conflict', SETUP_DONE);
    const [row] = await tx.db.insert(users).values({ email, name, passwordHash, role: 'owner' }).returning();
    const setup: Ctx = { ...tx, actor: { kind: 'system', label: 'setup' } };
    await recordAudit(setup, { action: 'user.create', targetType: 'user', targetId: row!.id, targetLabel: row!.email, after: auditView(row!) });
    // The key generated on first start has a placeholder contact; the owner is a real one.
    await adoptOwnerContact(setup, row!.email);
    return publicUser(row!);
  });
  await settleSuccess(ctx.db, [], [ipKey(ctx.ip)]);
  return owner;
}

/** Any signed-in user changes their own password; every session of theirs ends. */
export async function changeOwnPassword(ctx: Ctx, input: unknown): Promise<void> {
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'Only a signed-in user can change their password.');
  const parsed = changeOwnPasswordSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const me = ctx.actor;
  // Throttled like sign-in: a stolen session must not become a way to guess the password.
  const cfg = config();
  const own = `password:user:${me.id}`;
  await reserveAttempt(
    ctx.db,
    [
      { key: own, max: cfg.LOGIN_MAX_FAILURES_PER_EMAIL },
      { key: ipKey(ctx.ip), max: cfg.LOGIN_MAX_FAILURES_PER_IP },
    ],
    windowSeconds(),
    'Too many wrong current passwords.',
  );
  const [row] = await ctx.db.select().from(users).where(eq(users.id, me.id));
  if (!row || !(await verifyPassword(parsed.data.current, row.passwordHash))) {
    throw new AppError('validation_failed', 'Your current password is not right.', {
      fieldErrors: { current: ['Your current password is not right.'] },
    });
  }
  await settleSuccess(ctx.db, [own], [ipKey(ctx.ip)]);
  const passwordHash = await hashPassword(parsed.data.password);
  await inTx(ctx, async (tx) => {
    await tx.db
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, me.id));
    await recordAudit(tx, { action: 'user.change-own-password', targetType: 'user', targetId: me.id, targetLabel: me.email });
  });
}
