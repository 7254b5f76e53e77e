/**
 * Membership and roles per project: accounts are installation-wide, roles belong to a project.
 * A project's admin manages that project's people and nobody else's; owners are owners everywhere.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectMembers, projects, users } from '../../db/schema';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { listAuditLogs } from '../audit/queries';
import type { Actor, Ctx, ProjectRef } from '../context';
import { addMember, changeUserRole, createFirstOwner, createUser, removeMember, resetUserPassword, setUserDisabled, type PublicUser } from '../users/mutations';
import { listUsers } from '../users/queries';
import { projectsOf, roleInProject } from './members';
import { createProject } from './mutations';

let tdb: TestDatabase;
let shop: ProjectRef;
let blog: ProjectRef;
const PW = 'a-long-enough-password';
const people: Record<string, PublicUser> = {};

/** Someone signed in, acting in `project` with the role the session resolved for them there. */
const as = (u: PublicUser, role: Actor extends infer A ? (A extends { role: infer R } ? R : never) : never, project: ProjectRef): Ctx =>
  ctxFor(tdb, { kind: 'user', id: u.id, email: u.email, name: u.name, role }, project);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

beforeAll(async () => {
  tdb = await openTestDatabase();
  const root = ctxFor(tdb);
  people.owner = await createFirstOwner(root, { email: 'owner@example.com', name: 'O', password: PW, confirm: PW });
  const s = await createProject(root, { slug: 'shop', name: 'Shop', origins: [] });
  const b = await createProject(root, { slug: 'blog', name: 'Blog', origins: [] });
  shop = { id: s.id, slug: s.slug };
  blog = { id: b.id, slug: b.slug };
  // Created in a project: a member of that one only.
  people.shopAdmin = await createUser(ctxFor(tdb, undefined, shop), { email: 'shop-admin@example.com', password: PW, role: 'admin' });
  people.shopViewer = await createUser(ctxFor(tdb, undefined, shop), { email: 'shop-viewer@example.com', password: PW, role: 'viewer' });
  people.blogMarketer = await createUser(ctxFor(tdb, undefined, blog), { email: 'blog-m@example.com', password: PW, role: 'marketer' });
  people.both = await createUser(ctxFor(tdb, undefined, shop), { email: 'both@example.com', password: PW, role: 'marketer' });
  await addMember(ctxFor(tdb, undefined, blog), { email: 'both@example.com', role: 'viewer' });
}, 60_000);
afterAll(async () => tdb?.dispose());

const account = async (u: PublicUser) => (await tdb.db.select().from(users).where(eq(users.id, u.id)))[0]!;

describe('roles per project', () => {
  it('gives each account its role in each project, owners owner everywhere, others nothing', async () => {
    const role = async (u: PublicUser, p: ProjectRef) => roleInProject(tdb.db, p.id, await account(u));
    expect(await role(people.owner!, shop)).toBe('owner');
    expect(await role(people.owner!, blog)).toBe('owner');
    expect(await role(people.shopAdmin!, shop)).toBe('admin');
    expect(await role(people.shopAdmin!, blog)).toBeNull();
    expect(await role(people.both!, shop)).toBe('marketer');
    expect(await role(people.both!, blog)).toBe('viewer');
  });

  it('lists for the switcher the projects an account can open, with its role in each', async () => {
    const slugs = async (u: PublicUser) => (await projectsOf(tdb.db, await account(u))).map((p) => `${p.slug}:${p.role}`);
    expect(await slugs(people.owner!)).toEqual(['blog:owner', 'default:owner', 'shop:owner']);
    expect(await slugs(people.both!)).toEqual(['blog:viewer', 'shop:marketer']);
    expect(await slugs(people.shopViewer!)).toEqual(['shop:viewer']);
  });

  it("lists a project's members and the owners, never another project's people", async () => {
    const list = async (p: ProjectRef) => (await listUsers(as(people.owner!, 'owner', p))).map((u) => `${u.email}:${u.role}`).sort();
    expect(await list(shop)).toEqual([
      'both@example.com:marketer',
      'owner@example.com:owner',
      'shop-admin@example.com:admin',
      'shop-viewer@example.com:viewer',
    ]);
    expect(await list(blog)).toEqual(['blog-m@example.com:marketer', 'both@example.com:viewer', 'owner@example.com:owner']);
  });
});

describe("a project's admin manages that project's people only", () => {
  it('cannot change, remove, disable or reset someone of another project: to them nobody is there', async () => {
    const admin = as(people.shopAdmin!, 'admin', shop);
    const other = people.blogMarketer!.id;
    expect(await code(changeUserRole(admin, { userId: other, role: 'viewer' }))).toBe('not_found');
    expect(await code(removeMember(admin, { userId: other }))).toBe('not_found');
    expect(await code(setUserDisabled(admin, { userId: other, disabled: true }))).toBe('not_found');
    expect(await code(resetUserPassword(admin, { userId: other, password: 'another-long-password' }))).toBe('not_found');
    expect((await account(people.blogMarketer!)).disabledAt).toBeNull();
  });

  it('changes a role here without touching the same account elsewhere', async () => {
    await changeUserRole(as(people.shopAdmin!, 'admin', shop), { userId: people.both!.id, role: 'viewer' });
    expect(await roleInProject(tdb.db, shop.id, await account(people.both!))).toBe('viewer');
    expect(await roleInProject(tdb.db, blog.id, await account(people.both!))).toBe('viewer');
    await changeUserRole(as(people.shopAdmin!, 'admin', shop), { userId: people.both!.id, role: 'marketer' });
    expect(await roleInProject(tdb.db, blog.id, await account(people.both!))).toBe('viewer');
  });

  it('may not disable or reset an account that also works in another project; an owner may', async () => {
    const admin = as(people.shopAdmin!, 'admin', shop);
    expect(await code(setUserDisabled(admin, { userId: people.both!.id, disabled: true }))).toBe('forbidden');
    expect(await code(resetUserPassword(admin, { userId: people.both!.id, password: 'another-long-password' }))).toBe('forbidden');
    expect((await account(people.both!)).disabledAt).toBeNull();
    // Someone of this project only: the admin may.
    expect(await code(setUserDisabled(admin, { userId: people.shopViewer!.id, disabled: true }))).toBe('ok');
    expect(await code(setUserDisabled(admin, { userId: people.shopViewer!.id, disabled: false }))).toBe('ok');
    expect(await code(setUserDisabled(as(people.owner!, 'owner', shop), { userId: people.both!.id, disabled: true }))).toBe('ok');
    expect(await code(setUserDisabled(as(people.owner!, 'owner', shop), { userId: people.both!.id, disabled: false }))).toBe('ok');
  });

  it('cannot grant owner, nor touch owners', async () => {
    const admin = as(people.shopAdmin!, 'admin', shop);
    expect(await code(changeUserRole(admin, { userId: people.shopViewer!.id, role: 'owner' }))).toBe('forbidden');
    expect(await code(createUser(admin, { email: 'new-owner@example.com', password: PW, role: 'owner' }))).toBe('forbidden');
    expect(await code(removeMember(admin, { userId: people.owner!.id }))).toBe('forbidden');
  });

  it('adds an existing account, refuses a second membership and an unknown e-mail, and removes', async () => {
    const admin = as(people.shopAdmin!, 'admin', shop);
    expect(await code(addMember(admin, { email: 'blog-m@example.com', role: 'viewer' }))).toBe('ok');
    expect(await code(addMember(admin, { email: 'blog-m@example.com', role: 'admin' }))).toBe('conflict');
    expect(await code(addMember(admin, { email: 'owner@example.com', role: 'viewer' }))).toBe('conflict');
    expect(await code(addMember(admin, { email: 'nobody@example.com', role: 'viewer' }))).toBe('not_found');
    expect(await code(addMember(admin, { email: 'not an e-mail', role: 'viewer' }))).toBe('validation_failed');
    expect(await code(addMember(admin, { email: 'blog-m@example.com', role: 'owner' }))).toBe('validation_failed');
    // Creating an account for an e-mail that has one says to add it instead.
    expect(await code(createUser(admin, { email: 'blog-m@example.com', password: PW, role: 'viewer' }))).toBe('conflict');
    expect(await code(removeMember(admin, { userId: people.blogMarketer!.id }))).toBe('ok');
    expect(await roleInProject(tdb.db, shop.id, await account(people.blogMarketer!))).toBeNull();
    // The account and its other project stay.
    expect(await roleInProject(tdb.db, blog.id, await account(people.blogMarketer!))).toBe('marketer');
    expect(await code(removeMember(admin, { userId: people.shopAdmin!.id }))).toBe('forbidden'); // oneself
  });

  it('marketers and viewers manage nobody', async () => {
    for (const [u, role] of [
      [people.both!, 'marketer'],
      [people.shopViewer!, 'viewer'],
    ] as const) {
      expect(await code(addMember(as(u, role, shop), { email: 'blog-m@example.com', role: 'viewer' }))).toBe('forbidden');
      expect(await code(removeMember(as(u, role, shop), { userId: people.shopAdmin!.id }))).toBe('forbidden');
    }
  });

  it("keeps each project's audit trail to itself; the accounts' own rows only for owners", async () => {
    const actions = async (ctx: Ctx) => (await listAuditLogs(ctx, { limit: 200 })).items.map((i) => `${i.action}:${i.targetLabel}`);
    const shopTrail = await actions(as(people.shopAdmin!, 'admin', shop));
    expect(shopTrail).toContain('member.add:shop-viewer@example.com');
    expect(shopTrail).toContain('member.remove:blog-m@example.com');
    expect(shopTrail.some((a) => a.startsWith('user.'))).toBe(false);
    const blogTrail = await actions(as(people.owner!, 'owner', blog));
    expect(blogTrail).not.toContain('member.add:shop-viewer@example.com');
    expect(blogTrail).toContain('user.create:shop-viewer@example.com'); // an owner sees the installation's own rows
  });

  it("a project's memberships go with it; the accounts and their other memberships stay", async () => {
    const memberships = async () => (await tdb.db.select().from(projectMembers).where(eq(projectMembers.userId, people.both!.id))).map((m) => m.projectId);
    expect((await memberships()).sort()).toEqual([shop.id, blog.id].sort());
    await tdb.db.delete(projects).where(eq(projects.id, blog.id));
    expect(await memberships()).toEqual([shop.id]);
    expect(await account(people.both!)).toBeDefined();
  });
});
