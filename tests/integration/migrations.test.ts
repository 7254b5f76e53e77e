/**
 * Upgrading keeps the data. Each case starts from an empty database migrated only up to the
 * release before a migration (the journal cut there), writes rows the way that schema held them,
 * then runs every migration, as an app start does, and checks where the rows went. On PGlite and
 * on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db';
import { runMigrations } from '../../db/migrate';
import { DEFAULT_PROJECT_ID } from '../../db/schema';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../db/migrations');

/** A copy of the migrations folder whose journal ends at `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushdeck-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  if (end < 0) throw new Error(`no migration ${lastTag}`);
  journal.entries = journal.entries.slice(0, end + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** An empty database of the kind this project tests. */
async function emptyDatabase(): Promise<{ database: Database; dispose: () => Promise<void> }> {
  if (process.env.TEST_DB !== 'postgres') {
    const database = await openDatabase({ pgliteDir: 'memory', migrate: false });
    return { database, dispose: () => database.close() };
  }
  const adminUrl = inject('pgAdminUrl');
  // Named like the per-file clones, so the global teardown drops it even if this file crashes.
  const name = `pushdeck_t_${inject('pgTemplate').slice(13)}_mig_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), migrate: false, poolMax: 2 });
  return {
    database,
    dispose: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * An installation upgraded across a migration: before all tests, an empty database migrated up to
 * `lastTag` (SQL only, as that release left it), `seed` writing rows the way that schema held
 * them, then every migration, as an app start runs them. Returns the database's handle.
 */
function upgradedFrom(lastTag: string, seed: (db: Database['db']) => Promise<void>): () => Database['db'] {
  let env: Awaited<ReturnType<typeof emptyDatabase>> | undefined;
  let before: string | undefined;
  beforeAll(async () => {
    env = await emptyDatabase();
    before = migrationsUpTo(lastTag);
    await runMigrations(env.database, before, { code: false });
    await seed(env.database.db);
    await runMigrations(env.database, MIGRATIONS);
  }, 120_000);
  afterAll(async () => {
    await env?.dispose();
    if (before) rmSync(before, { recursive: true, force: true });
  });
  return () => env!.database.db;
}

describe('0006 projects: an existing installation moves into the default project', () => {
  const upgraded = upgradedFrom('0005_hardening', async (db) => {
    await db.execute(sql`
      insert into topics (id, slug, name, description, is_public) values
        ('01900000-0000-7000-8000-0000000000a1', 'news', 'News', 'What is new', true),
        ('01900000-0000-7000-8000-0000000000a2', 'vip', 'VIP', '', false)`);
  });

  it('creates the default project and gives it every topic, unchanged', async () => {
    const db = upgraded();
    const projects = rowsOf<{ id: string; slug: string }>(await db.execute(sql`select id, slug from projects`));
    expect(projects).toEqual([{ id: DEFAULT_PROJECT_ID, slug: 'default' }]);
    const topics = rowsOf<{ id: string; slug: string; name: string; description: string; is_public: boolean; project_id: string }>(
      await db.execute(sql`select id, slug, name, description, is_public, project_id from topics order by slug`),
    );
    expect(topics).toEqual([
      { id: '01900000-0000-7000-8000-0000000000a1', slug: 'news', name: 'News', description: 'What is new', is_public: true, project_id: DEFAULT_PROJECT_ID },
      { id: '01900000-0000-7000-8000-0000000000a2', slug: 'vip', name: 'VIP', description: '', is_public: false, project_id: DEFAULT_PROJECT_ID },
    ]);
  });

  it('makes slugs unique per project, not per installation', async () => {
    const db = upgraded();
    await db.execute(sql`insert into projects (id, slug, name) values ('01900000-0000-7000-8000-0000000000b1', 'shop', 'Shop')`);
    await db.execute(
      sql`insert into topics (id, project_id, slug, name) values ('01900000-0000-7000-8000-0000000000b2', '01900000-0000-7000-8000-0000000000b1', 'news', 'Shop news')`,
    );
    await expect(
      db.execute(sql`insert into topics (id, project_id, slug, name) values ('01900000-0000-7000-8000-0000000000b3', ${DEFAULT_PROJECT_ID}, 'news', 'Again')`),
    ).rejects.toThrow();
    await expect(
      db.execute(sql`insert into topics (id, slug, name) values ('01900000-0000-7000-8000-0000000000b4', 'orphan', 'No project')`),
    ).rejects.toThrow();
  });
});

describe('0007 projects everywhere: every row of a site moves into the default project', () => {
  const id = (n: number) => `01900000-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;
  const upgraded = upgradedFrom('0006_projects', async (db) => {
    await db.execute(
      sql`insert into vapid_keys (id, public_key, private_key_enc, subject, status) values (${id(1)}, 'pub-1', 'sealed', 'mailto:a@example.com', 'active')`,
    );
    await db.execute(
      sql`insert into vapid_claims (vapid_key_id, public_key, aud, sub, exp) values (${id(1)}, 'pub-1', 'https://fcm.googleapis.com', 'mailto:a@example.com', now())`,
    );
    await db.execute(
      sql`insert into subscriptions (id, endpoint, p256dh, auth, vapid_key_id, push_service) values (${id(2)}, 'https://fcm.googleapis.com/fcm/send/x', 'p', 'a', ${id(1)}, 'fcm.googleapis.com')`,
    );
    await db.execute(sql`insert into campaigns (id, name, content, created_by_label) values (${id(3)}, 'Launch', '{"title":"Hi"}', 'test')`);
    await db.execute(sql`insert into messages (id, campaign_id, content, expires_at) values (${id(4)}, ${id(3)}, '{}', now() + interval '1 day')`);
    await db.execute(sql`insert into store_messages (subscription_id, owner, data, expires_at) values (${id(2)}, 'key:x', 'd', now() + interval '1 day')`);
    await db.execute(sql`insert into api_keys (id, name, prefix, key_hash, created_by_label) values (${id(5)}, 'Key', 'pd_live_abc', 'hash', 'test')`);
    await db.execute(sql`insert into token_keys (id, name, public_key_pem, fingerprint, created_by_label) values (${id(6)}, 'Signer', 'pem', 'fp', 'test')`);
    await db.execute(
      sql`insert into audit_logs (actor_label, action) values ('cli', 'user.create'), ('cli', 'topic.create'), ('cli', 'settings.update'), ('cli', 'campaign.send')`,
    );
  });

  it('gives every row the default project, and the audit trail only its project-level entries', async () => {
    const db = upgraded();
    for (const table of ['vapid_keys', 'vapid_claims', 'subscriptions', 'campaigns', 'messages', 'store_messages', 'api_keys', 'token_keys']) {
      const rows = rowsOf<{ project_id: string; n: number }>(
        await db.execute(sql`select project_id, count(*)::int as n from ${sql.identifier(table)} group by 1`),
      );
      expect({ table, rows }).toEqual({ table, rows: [{ project_id: DEFAULT_PROJECT_ID, n: 1 }] });
    }
    const audit = rowsOf<{ action: string; project_id: string | null }>(await db.execute(sql`select action, project_id from audit_logs order by id`));
    expect(audit).toEqual([
      { action: 'user.create', project_id: null },
      { action: 'topic.create', project_id: DEFAULT_PROJECT_ID },
      { action: 'settings.update', project_id: null },
      { action: 'campaign.send', project_id: DEFAULT_PROJECT_ID },
    ]);
  });

  it('makes new rows name their project; endpoints and the active key are unique per project', async () => {
    const db = upgraded();
    await expect(db.execute(sql`insert into campaigns (name, id, content, created_by_label) values ('x', ${id(7)}, '{}', 't')`)).rejects.toThrow();
    await db.execute(sql`insert into projects (id, slug, name) values (${id(8)}, 'shop', 'Shop')`);
    await db.execute(
      sql`insert into vapid_keys (id, project_id, public_key, private_key_enc, subject, status) values (${id(9)}, ${id(8)}, 'pub-2', 'sealed', 'mailto:a@example.com', 'active')`,
    );
    await db.execute(
      sql`insert into subscriptions (id, project_id, endpoint, p256dh, auth, vapid_key_id, push_service) values (${id(10)}, ${id(8)}, 'https://fcm.googleapis.com/fcm/send/x', 'p', 'a', ${id(9)}, 'fcm.googleapis.com')`,
    );
    await expect(
      db.execute(
        sql`insert into subscriptions (id, project_id, endpoint, p256dh, auth, push_service) values (${id(11)}, ${id(8)}, 'https://fcm.googleapis.com/fcm/send/x', 'p', 'a', 'fcm.googleapis.com')`,
      ),
    ).rejects.toThrow();
    await expect(
      db.execute(
        sql`insert into vapid_keys (id, project_id, public_key, private_key_enc, subject, status) values (${id(12)}, ${id(8)}, 'pub-3', 'sealed', 'mailto:a@example.com', 'active')`,
      ),
    ).rejects.toThrow();
  });
});

describe('0008 project members: everyone keeps their role, in the default project', () => {
  const id = (n: number) => `01900000-0000-7000-8000-0000000002${String(n).padStart(2, '0')}`;
  const upgraded = upgradedFrom('0007_projects_everywhere', async (db) => {
    await db.execute(sql`insert into users (id, email, password_hash, role) values
      (${id(1)}, 'owner@example.com', 'h', 'owner'), (${id(2)}, 'admin@example.com', 'h', 'admin'),
      (${id(3)}, 'marketer@example.com', 'h', 'marketer'), (${id(4)}, 'viewer@example.com', 'h', 'viewer')`);
  });

  it('gives every account that is not an owner a membership of the default project with its role', async () => {
    const rows = rowsOf<{ email: string; project_id: string; role: string }>(
      await upgraded().execute(sql`select u.email, m.project_id, m.role from project_members m join users u on u.id = m.user_id order by u.email`),
    );
    expect(rows).toEqual([
      { email: 'admin@example.com', project_id: DEFAULT_PROJECT_ID, role: 'admin' },
      { email: 'marketer@example.com', project_id: DEFAULT_PROJECT_ID, role: 'marketer' },
      { email: 'viewer@example.com', project_id: DEFAULT_PROJECT_ID, role: 'viewer' },
    ]);
  });

  it('refuses an owner membership: owners are owners of every project', async () => {
    await expect(
      upgraded().execute(sql`insert into project_members (project_id, user_id, role) values (${DEFAULT_PROJECT_ID}, ${id(1)}, 'owner')`),
    ).rejects.toThrow();
  });
});
