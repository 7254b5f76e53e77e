import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLogs, DEFAULT_PROJECT_ID, rateLimits, users } from '../../db/schema';
import { verifyPassword } from '../../lib/auth/password';
import { AppError } from '../../lib/errors';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { listAuditLogs } from '../audit/queries';
import { authenticate } from '../auth/login';
import { pruneRevokedSessions, revokeSession } from '../auth/revocation';
import { makeCtx, type Actor } from '../context';
import { roleInProject } from '../projects/members';
import { changeOwnPassword, changeUserRole, createFirstOwner, createUser, resetUserPassword, setUserDisabled } from './mutations';
import { findUserForSession, listUsers, setupOpen } from './queries';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.dispose();
});
beforeEach(async () => {
  await tdb.db.delete(auditLogs);
  await tdb.db.delete(users);
  await tdb.db.delete(rateLimits);
});

const PW = 'a-long-enough-password';
const asUser = (u: { id: string; email: string; role: Actor extends infer A ? (A extends { role: infer R } ? R : never) : never }): Actor => ({
  kind: 'user',
  id: u.id,
  email: u.email,
  name: '',
  role: u.role,
});

async function expectAppError(p: Promise<unknown>, code: AppError['code']) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

async function seedTeam() {
  const root = ctxFor(tdb);
  const owner = await createFirstOwner(root, { email: 'owner@example.com', name: 'O', password: PW, confirm: PW });
  const admin = await createUser(root, { email: 'admin@example.com', password: PW, role: 'admin' });
  const marketer = await createUser(root, { email: 'm@example.com', password: PW, role: 'marketer' });
  const viewer = await createUser(root, { email: 'v@example.com', password: PW, role: 'viewer' });
  return { owner, admin, marketer, viewer };
}

describe('first-run setup', () => {
  it('creates the owner once, then refuses', async () => {
    expect(await setupOpen(tdb)).toBe(true);
    const o = await createFirstOwner(ctxFor(tdb), { email: ' Boss@Example.COM ', name: 'Boss', password: PW, confirm: PW });
    expect(o.role).toBe('owner');
    expect(o.email).toBe('boss@example.com');
    expect(await setupOpen(tdb)).toBe(false);
    await expectAppError(createFirstOwner(ctxFor(tdb), { email: 'x@example.com', password: PW, confirm: PW }), 'conflict');
    expect(await tdb.db.select().from(users)).toHaveLength(1);
    const [audit] = await tdb.db.select().from(auditLogs);
    expect(audit).toMatchObject({ action: 'user.create', actorLabel: 'setup', targetId: o.id });
    expect(JSON.stringify(audit!.after)).not.toContain(PW);
  });

  it('of two concurrent submissions exactly one wins', async () => {
    const results = await Promise.allSettled([
      createFirstOwner(ctxFor(tdb), { email: 'a@example.com', password: PW, confirm: PW }),
      createFirstOwner(ctxFor(tdb), { email: 'b@example.com', password: PW, confirm: PW }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await tdb.db.select().from(users)).toHaveLength(1);
  });

  it('once done, refuses before counting or hashing anything', async () => {
    await createFirstOwner(ctxFor(tdb), { email: 'a@example.com', password: PW, confirm: PW });
    await tdb.db.delete(rateLimits);
    const anon = makeCtx(tdb.db, { kind: 'system', label: 'setup' }, { ip: '203.0.113.9' });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => createFirstOwner(anon, { email: `x${i}@example.com`, password: PW, confirm: PW })),
    );
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'))).toEqual(Array(40).fill('conflict'));
    // The refusal came before the attempt was reserved, so before any password was hashed.
    expect(await tdb.db.select().from(rateLimits)).toHaveLength(0);
  });

  it('while open, is throttled per address', async () => {
    const anon = makeCtx(tdb.db, { kind: 'system', label: 'setup' }, { ip: '203.0.113.10' });
    await tdb.db.insert(rateLimits).values({ key: 'login:ip:203.0.113.10', count: 30, windowStart: new Date() });
    const e = await expectAppError(createFirstOwner(anon, { email: 'a@example.com', password: PW, confirm: PW }), 'rate_limited');
    expect(e.retryAfter).toBeGreaterThan(0);
    expect(await tdb.db.select().from(users)).toHaveLength(0);
    const other = makeCtx(tdb.db, { kind: 'system', label: 'setup' }, { ip: '203.0.113.11' });
    await createFirstOwner(other, { email: 'a@example.com', password: PW, confirm: PW });
  });

  it('rejects mismatched passwords with a field error and stores nothing', async () => {
    const e = await expectAppError(createFirstOwner(ctxFor(tdb), { email: 'a@example.com', password: PW, confirm: 'other-password' }), 'validation_failed');
    expect(e.fieldErrors?.confirm?.[0]).toMatch(/do not match/);
    expect(await tdb.db.select().from(users)).toHaveLength(0);
  });
});

describe('managing users', () => {
  it('stores a hashed password, never the password itself', async () => {
    const { admin } = await seedTeam();
    const [row] = await tdb.db.select().from(users).where(eq(users.id, admin.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    expect(row!.passwordHash).not.toContain(PW);
    expect(await verifyPassword(PW, row!.passwordHash)).toBe(true);
  });

  it('refuses bad input with field errors and stores nothing', async () => {
    const e = await expectAppError(createUser(ctxFor(tdb), { email: 'not-an-email', password: 'short', role: 'emperor' }), 'validation_failed');
    expect(Object.keys(e.fieldErrors ?? {}).sort()).toEqual(['email', 'password', 'role']);
    expect(await tdb.db.select().from(users)).toHaveLength(0);
    expect(await tdb.db.select().from(auditLogs)).toHaveLength(0);
  });

  it('refuses a duplicate e-mail (case-insensitively)', async () => {
    await createUser(ctxFor(tdb), { email: 'dup@example.com', password: PW, role: 'viewer' });
    const e = await expectAppError(createUser(ctxFor(tdb), { email: 'DUP@example.com', password: PW, role: 'viewer' }), 'conflict');
    expect(e.fieldErrors?.email).toBeDefined();
    expect(await tdb.db.select().from(users)).toHaveLength(1);
  });

  it('lets only admins and owners manage, and only owners touch owners', async () => {
    const { owner, admin, marketer, viewer } = await seedTeam();
    await expectAppError(createUser(ctxFor(tdb, asUser(marketer)), { email: 'z@example.com', password: PW, role: 'viewer' }), 'forbidden');
    await expectAppError(createUser(ctxFor(tdb, asUser(viewer)), { email: 'z@example.com', password: PW, role: 'viewer' }), 'forbidden');
    await expectAppError(listUsers(ctxFor(tdb, asUser(marketer))), 'forbidden');
    await expectAppError(createUser(ctxFor(tdb, asUser(admin)), { email: 'z@example.com', password: PW, role: 'owner' }), 'forbidden');
    await expectAppError(changeUserRole(ctxFor(tdb, asUser(admin)), { userId: owner.id, role: 'viewer' }), 'forbidden');
    await expectAppError(setUserDisabled(ctxFor(tdb, asUser(admin)), { userId: owner.id, disabled: true }), 'forbidden');
    const made = await createUser(ctxFor(tdb, asUser(admin)), { email: 'z@example.com', password: PW, role: 'admin' });
    expect(made.role).toBe('admin');
  });

  it('records a role change with before and after, and ends the old sessions', async () => {
    const { owner, viewer } = await seedTeam();
    const [before] = await tdb.db.select().from(users).where(eq(users.id, viewer.id));
    await changeUserRole({ ...ctxFor(tdb, asUser(owner)), ip: '203.0.113.9' }, { userId: viewer.id, role: 'marketer' });
    const [after] = await tdb.db.select().from(users).where(eq(users.id, viewer.id));
    // The role is the membership's, in the project acted in (the default one here).
    expect(await roleInProject(tdb.db, DEFAULT_PROJECT_ID, after!)).toBe('marketer');
    expect(after!.sessionVersion).toBe(before!.sessionVersion + 1);
    const page = await listAuditLogs(ctxFor(tdb), { action: 'member.change-role' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      actorId: owner.id,
      actorLabel: 'owner@example.com',
      targetId: viewer.id,
      before: { role: 'viewer' },
      after: { role: 'marketer' },
      ip: '203.0.113.9',
    });
  });

  it('never lets people change or disable themselves, and keeps one enabled owner', async () => {
    const { owner, admin } = await seedTeam();
    await expectAppError(changeUserRole(ctxFor(tdb, asUser(admin)), { userId: admin.id, role: 'owner' }), 'forbidden');
    await expectAppError(setUserDisabled(ctxFor(tdb, asUser(owner)), { userId: owner.id, disabled: true }), 'forbidden');
    // The CLI acts as the system: it may, but not if that leaves no enabled owner.
    await expectAppError(changeUserRole(ctxFor(tdb), { userId: owner.id, role: 'admin' }), 'conflict');
    await expectAppError(setUserDisabled(ctxFor(tdb), { userId: owner.id, disabled: 'true' }), 'conflict');
    await changeUserRole(ctxFor(tdb, asUser(owner)), { userId: admin.id, role: 'owner' });
    await changeUserRole(ctxFor(tdb), { userId: owner.id, role: 'admin' });
    const owners = (await tdb.db.select().from(users)).filter((u) => u.role === 'owner');
    expect(owners.map((o) => o.email)).toEqual(['admin@example.com']);
  });

  it('disables and enables, audited, and a disabled user cannot sign in', async () => {
    const { owner, marketer } = await seedTeam();
    await setUserDisabled(ctxFor(tdb, asUser(owner)), { userId: marketer.id, disabled: 'true' });
    await expectAppError(authenticate(tdb.db, { email: 'm@example.com', password: PW, ip: '198.51.100.1' }), 'forbidden');
    await setUserDisabled(ctxFor(tdb, asUser(owner)), { userId: marketer.id, disabled: 'false' });
    const ok = await authenticate(tdb.db, { email: 'm@example.com', password: PW, ip: '198.51.100.1' });
    expect(ok.id).toBe(marketer.id);
    const actions = (await listAuditLogs(ctxFor(tdb), { targetId: marketer.id })).items.map((i) => i.action);
    expect(actions).toEqual(['user.enable', 'user.disable', 'member.add', 'user.create']);
  });

  it('resets a password without writing it anywhere', async () => {
    const { owner, viewer } = await seedTeam();
    await resetUserPassword(ctxFor(tdb, asUser(owner)), { userId: viewer.id, password: 'a-brand-new-password' });
    await authenticate(tdb.db, { email: 'v@example.com', password: 'a-brand-new-password', ip: null });
    const audits = await tdb.db.select().from(auditLogs).where(eq(auditLogs.action, 'user.reset-password'));
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits[0])).not.toContain('a-brand-new-password');
  });

  it('changes your own password only with the current one', async () => {
    const { viewer } = await seedTeam();
    const me = ctxFor(tdb, asUser(viewer));
    const e = await expectAppError(
      changeOwnPassword(me, { current: 'wrong-password', password: 'another-password', confirm: 'another-password' }),
      'validation_failed',
    );
    expect(e.fieldErrors?.current).toBeDefined();
    await changeOwnPassword(me, { current: PW, password: 'another-password', confirm: 'another-password' });
    await expectAppError(authenticate(tdb.db, { email: 'v@example.com', password: PW, ip: null }), 'unauthorized');
    await authenticate(tdb.db, { email: 'v@example.com', password: 'another-password', ip: null });
  });
});

describe('signed-out sessions', () => {
  it('are refused by id in the session query; other sessions and id-less ones are not; expired records are pruned', async () => {
    const { admin } = await seedTeam();
    expect(await findUserForSession(tdb.db, admin.id, 'session-a')).toMatchObject({ id: admin.id, revoked: false });
    await revokeSession(tdb.db, 'session-a', new Date(Date.now() + 3600_000));
    await revokeSession(tdb.db, 'session-a', new Date(Date.now() + 3600_000)); // signing out twice is fine
    await revokeSession(tdb.db, 'session-old', new Date(Date.now() - 1000));
    expect(await findUserForSession(tdb.db, admin.id, 'session-a')).toMatchObject({ revoked: true });
    expect(await findUserForSession(tdb.db, admin.id, 'session-b')).toMatchObject({ revoked: false });
    expect(await findUserForSession(tdb.db, admin.id, null)).toMatchObject({ revoked: false });
    expect(await pruneRevokedSessions(tdb.db)).toBe(1);
    expect(await findUserForSession(tdb.db, admin.id, 'session-a')).toMatchObject({ revoked: true });
  });
});

describe('change password throttling', () => {
  it('of 15 concurrent wrong current passwords checks 5, refuses the rest, then refuses the right one too', async () => {
    const { viewer } = await seedTeam();
    const me = makeCtx(tdb.db, asUser(viewer), { ip: '198.51.100.7' });
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => changeOwnPassword(me, { current: 'wrong-password', password: 'another-password', confirm: 'another-password' })),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
    expect(codes.filter((c) => c === 'validation_failed')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(10);
    await expectAppError(changeOwnPassword(me, { current: PW, password: 'another-password', confirm: 'another-password' }), 'rate_limited');
    await authenticate(tdb.db, { email: 'v@example.com', password: PW, ip: '198.51.100.8' });
  });
});

describe('sign-in', () => {
  it('of 15 concurrent wrong passwords for one e-mail checks exactly 5 and refuses the rest', async () => {
    await seedTeam();
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) => authenticate(tdb.db, { email: 'admin@example.com', password: 'wrong-password', ip: `192.0.2.${i + 100}` })),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
    expect(codes.filter((c) => c === 'unauthorized')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(10);
  });

  it('of 40 concurrent guesses from one address checks exactly 30', async () => {
    await seedTeam();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => authenticate(tdb.db, { email: `guess${i}@example.com`, password: 'x', ip: '192.0.2.77' })),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
    expect(codes.filter((c) => c === 'unauthorized')).toHaveLength(30);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(10);
  });

  it('a success gives the address its attempt back', async () => {
    await seedTeam();
    for (let i = 0; i < 29; i++) {
      await expectAppError(authenticate(tdb.db, { email: `guess${i}@example.com`, password: 'x', ip: '192.0.2.78' }), 'unauthorized');
    }
    for (let i = 0; i < 3; i++) await authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: '192.0.2.78' });
    await expectAppError(authenticate(tdb.db, { email: 'guess99@example.com', password: 'x', ip: '192.0.2.78' }), 'unauthorized');
    await expectAppError(authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: '192.0.2.78' }), 'rate_limited');
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    await seedTeam();
    const a = await expectAppError(authenticate(tdb.db, { email: 'nobody@example.com', password: PW, ip: '192.0.2.1' }), 'unauthorized');
    const b = await expectAppError(authenticate(tdb.db, { email: 'admin@example.com', password: 'wrong-password', ip: '192.0.2.1' }), 'unauthorized');
    expect(a.message).toBe(b.message);
  });

  it('throttles an e-mail after repeated failures, whether or not it exists, and says when to retry', async () => {
    await seedTeam();
    for (const email of ['admin@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 5; i++) {
        await expectAppError(authenticate(tdb.db, { email, password: 'wrong-password', ip: `192.0.2.${i + 10}` }), 'unauthorized');
      }
      const e = await expectAppError(authenticate(tdb.db, { email, password: PW, ip: '192.0.2.99' }), 'rate_limited');
      expect(e.retryAfter).toBeGreaterThan(0);
      expect(e.retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    // Another account from another address is unaffected.
    await authenticate(tdb.db, { email: 'm@example.com', password: PW, ip: '192.0.2.200' });
  });

  it('throttles one address trying many e-mails', async () => {
    await seedTeam();
    for (let i = 0; i < 30; i++) {
      await expectAppError(authenticate(tdb.db, { email: `guess${i}@example.com`, password: 'x', ip: '192.0.2.50' }), 'unauthorized');
    }
    await expectAppError(authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: '192.0.2.50' }), 'rate_limited');
    await authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: '192.0.2.51' });
  });

  it('clears the e-mail counter after a success', async () => {
    await seedTeam();
    for (let i = 0; i < 4; i++) {
      await expectAppError(authenticate(tdb.db, { email: 'admin@example.com', password: 'nope-nope', ip: null }), 'unauthorized');
    }
    await authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: null });
    for (let i = 0; i < 4; i++) {
      await expectAppError(authenticate(tdb.db, { email: 'admin@example.com', password: 'nope-nope', ip: null }), 'unauthorized');
    }
    await authenticate(tdb.db, { email: 'admin@example.com', password: PW, ip: null });
  });
});

describe('audit log', () => {
  it('filters and pages newest first without gaps or repeats', async () => {
    await seedTeam(); // 4 user.create rows, 3 member.add rows (the owner is no member)
    const root = ctxFor(tdb);
    for (let i = 0; i < 2; i++) await createUser(root, { email: `p${i}@example.com`, password: PW, role: 'viewer' }); // 2 + 2 more
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await listAuditLogs(root, { limit: 3, before });
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(11);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(11);
    const byActor = await listAuditLogs(root, { actor: 'setup' });
    expect(byActor.items).toHaveLength(1);
    const none = await listAuditLogs(root, { from: '2999-01-01' });
    expect(none.items).toHaveLength(0);
  });

  it('is closed to marketers and viewers', async () => {
    const { marketer } = await seedTeam();
    await expectAppError(listAuditLogs(ctxFor(tdb, asUser(marketer)), {}), 'forbidden');
  });
});
