/**
 * Creating and changing users, and who is a member of the caller's project. Each mutation checks
 * the actor's permission first, changes rows by conditional update inside one transaction, and
 * writes its audit row in that transaction.
 *
 * Accounts are installation-wide; roles are per project (server/projects/members.ts). An admin of
 * a project adds accounts to it, changes their role there and removes them; only an owner makes
 * or unmakes owners. What changes the whole account (disable, a new password) an admin may do only
 * to accounts that work in no other project, so one project's admin cannot lock people out of another.
 *
 * Invariants kept here: nobody changes their own role or disables themselves; admins never touch
 * owners; at least one enabled owner always remains (owner rows are locked while checking, so two
 * owners demoting each other at the same moment cannot both succeed).
 */
import 'server-only';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { projectMembers, users, type Role, type User } from '../../db/schema';
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
import { roleInProject } from '../projects/members';
import {
  addMemberSchema,
  changeOwnPasswordSchema,
  changeRoleSchema,
  createUserSchema,
  removeMemberSchema,
  resetPasswordSchema,
  setDisabledSchema,
  setupOwnerSchema,
} from './schemas';

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
      const message = 'A user with that e-mail already exists: add them to this project as a member instead.';
      throw new AppError('conflict', message, { fieldErrors: { email: [message] } });
    }
    await recordAudit(tx, { action: 'user.create', targetType: 'user', targetId: row.id, targetLabel: row.email, after: auditView(row) });
    // An owner is an owner of every project; everyone else starts as a member of this one.
    if (role !== 'owner') await addMembership(tx, row, role);
    return publicUser(row);
  });
}

/** The account's role in the caller's project, made or changed. */
async function setMembership(tx: Ctx, userId: string, role: Role) {
  await tx.db
    .insert(projectMembers)
    .values({ projectId: tx.project.id, userId, role })
    .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role } });
}

async function addMembership(tx: Ctx, user: User, role: Role) {
  await setMembership(tx, user.id, role);
  await recordAudit(tx, { action: 'member.add', targetType: 'user', targetId: user.id, targetLabel: user.email, after: { role } });
}

/** A user as this project sees them: the account with its role here (owners: `owner`). */
type Target = User & { projectRole: Role };

/**
 * Locks and returns the target with its role in the caller's project, refusing self-service,
 * accounts outside the project (`not_found`: another project's people are not listed here) and
 * targets above the actor.
 */
async function lockTarget(tx: Ctx, userId: string, verb: string): Promise<Target> {
  const [target] = await tx.db.select().from(users).where(eq(users.id, userId)).for('update');
  const projectRole = target ? await roleInProject(tx.db, tx.project.id, target) : null;
  if (!target || !projectRole) throw new AppError('not_found', 'That user is not a member of this project.');
  if (tx.actor.kind === 'user' && tx.actor.id === target.id) {
    throw new AppError('forbidden', `You cannot ${verb} your own account. Ask another admin or owner.`);
  }
  const mine = actorRole(tx.actor);
  if (!mine || !manageableRoles(mine).includes(projectRole)) {
    throw new AppError('forbidden', `Only an owner can ${verb} an owner.`);
  }
  return { ...target, projectRole };
}

/** Account-wide changes by a project admin reach only accounts that work in no other project. */
async function assertOnlyHere(tx: Ctx, target: User, verb: string) {
  if (actorRole(tx.actor) === 'owner') return;
  const [elsewhere] = await tx.db
    .select({ one: sql<number>`1` })
    .from(projectMembers)
    .where(and(eq(projectMembers.userId, target.id), ne(projectMembers.projectId, tx.project.id)))
    .limit(1);
  if (elsewhere) throw new AppError('forbidden', `${target.email} also works in other projects: only an owner can ${verb} their account.`);
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
    if (target.projectRole === role) return publicUser({ ...target, role });
    // Owner-ness belongs to the account (an installation role); any other role to the membership here.
    const ownerChange = role === 'owner' || target.role === 'owner';
    if (role !== 'owner') await assertAnotherOwner(tx, target);
    const [row] = await tx.db
      .update(users)
      .set({ ...(ownerChange ? { role } : {}), sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    if (role !== 'owner') await setMembership(tx, userId, role);
    await recordAudit(tx, {
      action: ownerChange ? 'user.change-role' : 'member.change-role',
      targetType: 'user',
      targetId: userId,
      targetLabel: target.email,
      before: { role: target.projectRole },
      after: { role },
    });
    return publicUser({ ...row!, role });
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
    await assertOnlyHere(tx, target, disabled ? 'disable' : 'enable');
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
    await assertOnlyHere(tx, target, 'reset the password of');
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

/** Adds an existing account to the caller's project with a role; a member already (or an owner) is a conflict. */
export async function addMember(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = addMemberSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { email, role } = parsed.data;
  assertMayGrant(ctx, role);
  return inTx(ctx, async (tx) => {
    const [account] = await tx.db.select().from(users).where(eq(users.email, email)).for('update');
    if (!account) {
      const message = 'No account has that e-mail yet: create one instead.';
      throw new AppError('not_found', message, { fieldErrors: { email: [message] } });
    }
    const here = await roleInProject(tx.db, tx.project.id, account);
    if (here) {
      const message = here === 'owner' ? 'Owners are owners of every project already.' : `${account.email} is already a member (${roleLabel[here]}).`;
      throw new AppError('conflict', message, { fieldErrors: { email: [message] } });
    }
    await addMembership(tx, account, role);
    return publicUser({ ...account, role });
  });
}

/** Removes an account from the caller's project; the account itself stays (other projects, history). */
export async function removeMember(ctx: Ctx, input: unknown): Promise<PublicUser> {
  assertCan(ctx, 'users.manage');
  const parsed = removeMemberSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const target = await lockTarget(tx, parsed.data.userId, 'remove');
    if (target.projectRole === 'owner') throw new AppError('conflict', 'Owners belong to every project. Change their role first.');
    // Roles are read on every request: their next click here is refused; other projects go on working.
    await tx.db.delete(projectMembers).where(and(eq(projectMembers.projectId, tx.project.id), eq(projectMembers.userId, target.id)));
    await recordAudit(tx, {
      action: 'member.remove',
      targetType: 'user',
      targetId: target.id,
      targetLabel: target.email,
      before: { role: target.projectRole },
    });
    return publicUser({ ...target, role: target.projectRole });
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
