/**
 * The command line: every command's success and main failure through the real dispatcher
 * (argument parsing, help, exit codes, --json) against this file's database, asserting what
 * landed there; plus the real entry point in a child process — its help, and its refusal when
 * the embedded database is held by a running app (and, on PostgreSQL, a command end to end).
 */
import { execFile } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLogs, subscriptions, topics, users, vapidKeys } from '../../db/schema';
import { generateKeyPair } from '../../lib/push/p256';
import { runCli } from '../../scripts/cli/main';
import { commands } from '../../scripts/cli/commands';
import { subscribe } from '../../server/subscribers/subscribe';
import { ensureActiveVapidKey } from '../../server/vapid/mutations';
import { openTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
const stamp = randomBytes(3).toString('hex');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pushdeck-cli-'));
const ROOT = path.resolve(import.meta.dirname, '../..');

beforeAll(async () => {
  delete process.env.VAPID_SUBJECT;
  tdb = await openTestDatabase();
  await ensureActiveVapidKey(tdb.db, 'mailto:first@example.com');
}, 60_000);

afterAll(async () => {
  await tdb?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function cli(args: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (c) => {
      out += typeof c === 'string' ? c : Buffer.from(c).toString('utf8');
    },
    stderr: (c) => {
      err += c;
    },
    readStdin: async () => stdin,
    openDb: async () => tdb,
  });
  return { code, out, err };
}

const lastAudit = async (action: string) => (await tdb.db.select().from(auditLogs).where(eq(auditLogs.action, action)).orderBy(auditLogs.id)).at(-1);

describe('help and usage', () => {
  it('lists the commands, exits 0 for --help and 2 without a command', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const c of commands) expect(h.out).toContain(`  ${c.name}`);
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toMatch(/^Unknown command "frobnicate"/);
    expect((await cli(['vapid'])).err).toMatch(/^"vapid" needs a subcommand: list, generate, import, activate\./);
  });

  it('has --help on every command, and refuses unknown options with exit 2', async () => {
    for (const c of commands) {
      const r = await cli([...c.name.split(' '), '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.out).toContain(`Usage: npm run cli -- ${c.usage}`);
      expect(r.out).toContain('--json');
    }
    const bad = await cli(['list-topics', '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown option '--colour'/);
  });
});

describe('users', () => {
  it('create-admin creates a user (an owner first) and users list shows them', async () => {
    const email = `owner-${stamp}@example.com`;
    const r = await cli(['create-admin', '--email', email, '--password-stdin', '--json'], 'a long password indeed');
    expect(r.code).toBe(0);
    const created = JSON.parse(r.out) as { id: string; role: string };
    expect(created.role).toBe('owner');
    const [row] = await tdb.db.select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ id: created.id, role: 'owner' });
    expect(row!.passwordHash).not.toContain('a long password');

    const second = await cli(['create-admin', '--email', `m-${stamp}@example.com`, '--password', 'another long one', '--role', 'marketer']);
    expect(second).toMatchObject({ code: 0, out: expect.stringMatching(/^Created marketer m-/) });
    const list = await cli(['users', 'list']);
    expect(list.out).toContain(email);
    expect(list.out).toMatch(new RegExp(`marketer\\s+active\\s+m-${stamp}@example.com`));
    expect(JSON.parse((await cli(['users', 'list', '--json'])).out)).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'owner' })]));
  });

  it('users add and remove a member of another project (--project); users list shows each project its own people', async () => {
    const slug = `team-${stamp}`;
    expect((await cli(['projects', 'create', '--slug', slug, '--name', 'Team'])).code).toBe(0);
    const email = `member-${stamp}@example.com`;
    expect((await cli(['create-admin', '--email', email, '--password', 'a long password indeed', '--role', 'viewer'])).code).toBe(0);
    const added = await cli(['users', 'add', '--email', email, '--role', 'marketer', '--project', slug]);
    expect(added).toMatchObject({ code: 0, out: `${email} is now marketer in project ${slug}.\n` });
    expect((await cli(['users', 'list', '--project', slug])).out).toMatch(new RegExp(`marketer\\s+active\\s+${email}`));
    expect((await cli(['users', 'list'])).out).toMatch(new RegExp(`viewer\\s+active\\s+${email}`));
    const again = await cli(['users', 'add', '--email', email, '--role', 'admin', '--project', slug]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already a member/);
    expect((await cli(['users', 'add', '--email', email, '--project', slug])).code).toBe(2);
    expect((await cli(['users', 'remove', '--email', email, '--project', slug])).code).toBe(0);
    expect((await cli(['users', 'list', '--project', slug])).out).not.toContain(email);
    const gone = await cli(['users', 'remove', '--email', email, '--project', slug]);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/not a member/);
    // Other cases list the projects: leave none behind.
    expect((await cli(['projects', 'delete', slug, '--confirm', slug])).code).toBe(0);
  });

  it('create-admin fails clearly: a taken e-mail (1), no password or a bad role (2)', async () => {
    const taken = await cli(['create-admin', '--email', `owner-${stamp}@example.com`, '--password', 'a long password indeed']);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/^Error: .*already/);
    expect((await cli(['create-admin', '--email', `x-${stamp}@example.com`])).code).toBe(2);
    const role = await cli(['create-admin', '--email', `x-${stamp}@example.com`, '--password', 'a long password', '--role', 'boss']);
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/^--role must be one of owner, admin, marketer, viewer\./);
    expect(
      await tdb.db
        .select()
        .from(users)
        .where(eq(users.email, `x-${stamp}@example.com`)),
    ).toEqual([]);
  });
});

describe('topics', () => {
  it('create-topic, list-topics and delete-topic, each audited as the CLI', async () => {
    const slug = `news-${stamp}`;
    const r = await cli(['create-topic', '--slug', slug, '--name', 'News', '--description', 'Headlines']);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining(`Created public topic ${slug}`) });
    const priv = await cli(['create-topic', '--slug', `vip-${stamp}`, '--name', 'VIP', '--private', '--json']);
    expect(JSON.parse(priv.out)).toMatchObject({ slug: `vip-${stamp}`, isPublic: false });
    const [row] = await tdb.db.select().from(topics).where(eq(topics.slug, slug));
    expect(row).toMatchObject({ name: 'News', description: 'Headlines', isPublic: true });

    const human = await cli(['list-topics']);
    expect(human.out).toMatch(/^SLUG\s+NAME\s+VISIBILITY\s+ACTIVE/);
    expect(human.out).toMatch(new RegExp(`vip-${stamp}\\s+VIP\\s+private\\s+0`));
    const listed = JSON.parse((await cli(['list-topics', '--json'])).out) as { slug: string; activeSubscribers: number }[];
    expect(listed.find((t) => t.slug === slug)).toMatchObject({ activeSubscribers: 0 });

    const del = await cli(['delete-topic', `vip-${stamp}`]);
    expect(del).toMatchObject({ code: 0, out: `Deleted topic vip-${stamp}; 0 active subscribers were in it.\n` });
    expect(
      await tdb.db
        .select()
        .from(topics)
        .where(eq(topics.slug, `vip-${stamp}`)),
    ).toEqual([]);
    expect(await lastAudit('topic.delete')).toMatchObject({ actorLabel: 'cli', targetLabel: `vip-${stamp}` });
  });

  it('fails clearly: a taken or malformed slug (1), missing options (2), an unknown topic to delete (1)', async () => {
    const taken = await cli(['create-topic', '--slug', `news-${stamp}`, '--name', 'Again']);
    expect(taken).toMatchObject({ code: 1, err: 'Error: A topic with that slug already exists.\n' });
    const bad = await cli(['create-topic', '--slug', 'Not Valid!', '--name', 'x']);
    expect(bad).toMatchObject({ code: 1, err: 'Error: Use 1–64 lowercase letters, digits and hyphens (not at the start or end).\n' });
    expect((await cli(['create-topic', '--slug', 'ok'])).code).toBe(2);
    const missing = await cli(['delete-topic', 'no-such-topic']);
    expect(missing).toMatchObject({ code: 1, err: 'There is no topic "no-such-topic". See: npm run cli -- list-topics\n' });
    expect((await cli(['delete-topic'])).code).toBe(2);
  });
});

describe('API keys', () => {
  it('create-api-key prints only the key on stdout and stores only its hash, with the scopes asked for', async () => {
    const r = await cli(['create-api-key', '--name', `Ops ${stamp}`, '--scopes', 'send,manage', '--topics', `news-${stamp}`]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^pd_[A-Za-z0-9_-]{43}\n$/);
    expect(r.err).toMatch(/Store it now/);
    const [row] = await tdb.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.name, `Ops ${stamp}`));
    expect(row).toMatchObject({ scopes: ['send', 'manage'], prefix: r.out.slice(0, 11) });
    expect(row!.topicIds).toHaveLength(1);
    expect(JSON.stringify(row)).not.toContain(r.out.trim());
  });

  it('fails clearly: an unknown topic (2), an unknown scope (1)', async () => {
    const topic = await cli(['create-api-key', '--name', 'X', '--topics', 'nope']);
    expect(topic.code).toBe(2);
    expect(topic.err).toMatch(/^Unknown topic: nope\./);
    const scope = await cli(['create-api-key', '--name', `Bad scope ${stamp}`, '--scopes', 'superuser']);
    expect(scope).toMatchObject({ code: 1, err: 'Error: Unknown scope.\n' });
    expect(
      await tdb.db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.name, `Bad scope ${stamp}`)),
    ).toEqual([]);
  });
});

describe('VAPID keys', () => {
  const pair = generateKeyPair();

  it('vapid generate, import (private key from stdin, never printed), list and activate', async () => {
    const gen = await cli(['vapid', 'generate', '--subject', 'mailto:ops@example.com', '--name', `Gen ${stamp}`, '--json']);
    expect(gen.code).toBe(0);
    const generated = JSON.parse(gen.out) as { id: string; status: string; publicKey: string };
    expect(generated.status).toBe('standby');

    const imp = await cli(
      ['vapid', 'import', '--subject', 'mailto:ops@example.com', '--public', pair.publicKey, '--private-stdin', '--name', `Old ${stamp}`],
      pair.privateKey,
    );
    expect(imp.code).toBe(0);
    expect(imp.out).toContain(`Public key: ${pair.publicKey}`);
    expect(imp.out + imp.err).not.toContain(pair.privateKey);
    const [row] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.publicKey, pair.publicKey));
    expect(row).toMatchObject({ name: `Old ${stamp}`, status: 'standby', subject: 'mailto:ops@example.com' });
    expect(row!.privateKeyEnc).not.toContain(pair.privateKey);

    const list = await cli(['vapid', 'list']);
    expect(list.out).toMatch(/^ID\s+STATUS\s+NAME\s+SUBSCRIPTIONS/);
    expect(list.out).toContain(`Old ${stamp}`);
    expect(list.out + list.err).not.toContain(pair.privateKey);
    const listed = JSON.parse((await cli(['vapid', 'list', '--json'])).out) as Record<string, unknown>[];
    expect(listed.every((k) => !('privateKeyEnc' in k) && !('privateKey' in k))).toBe(true);

    const [before] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const act = await cli(['vapid', 'activate', row!.id]);
    expect(act).toMatchObject({ code: 0, out: expect.stringContaining('is now the active key') });
    expect((await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.id, row!.id)))[0]!.status).toBe('active');
    expect((await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.id, before!.id)))[0]!.status).toBe('retired');
    // By public key too; the active key stays active.
    expect((await cli(['vapid', 'activate', pair.publicKey])).out).toMatch(/was already the active key/);
  });

  it('fails clearly: no contact (2), a key that is not one (1), a duplicate (1), an unknown key to activate (1)', async () => {
    const noSubject = await cli(['vapid', 'generate']);
    expect(noSubject.code).toBe(2);
    expect(noSubject.err).toMatch(/^--subject is required/);
    const garbage = await cli(['vapid', 'import', '--subject', 'mailto:ops@example.com', '--private-stdin'], 'not-a-key');
    expect(garbage.code).toBe(1);
    expect(garbage.err).toMatch(/^Error: /);
    expect(garbage.err).not.toContain('not-a-key');
    // `--private=K`: a base64url key may start with '-', which parseArgs would take for an option.
    const dup = await cli(['vapid', 'import', '--subject', 'mailto:ops@example.com', `--private=${pair.privateKey}`]);
    expect(dup).toMatchObject({ code: 1, err: 'Error: That key is already here.\n' });
    const unknown = await cli(['vapid', 'activate', '0190a6b4-0000-7000-8000-000000000000']);
    expect(unknown).toMatchObject({ code: 1, err: 'There is no VAPID key "0190a6b4-0000-7000-8000-000000000000". See: npm run cli -- vapid list\n' });
  });
});

describe('subscribers', () => {
  const oldPair = generateKeyPair();
  const browser = () => {
    const e = createECDH('prime256v1');
    e.generateKeys();
    return {
      endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`,
      keys: { p256dh: e.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
  };

  it('import-subscribers: a dry run, the import with its report, and an unchanged re-import', async () => {
    await cli(['create-topic', '--slug', `sport-${stamp}`, '--name', 'Sport']);
    expect(
      (await cli(['vapid', 'import', '--subject', 'mailto:ops@example.com', '--private-stdin', '--name', `Legacy ${stamp}`], oldPair.privateKey)).code,
    ).toBe(0);
    const [good, other] = [browser(), browser()];
    const file = path.join(tmp, 'subs.json');
    writeFileSync(
      file,
      JSON.stringify([
        { ...good, topics: [`sport-${stamp}`] },
        { ...other, keys: { ...other.keys, auth: 'c2hvcnQ' } },
      ]),
    );

    const dry = await cli(['import-subscribers', file, '--key', oldPair.publicKey, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('1 would be accepted (new), 0 would be updated, 0 unchanged, 1 rejected — 2 rows.');
    expect(await tdb.db.select().from(subscriptions).where(eq(subscriptions.endpoint, good.endpoint))).toEqual([]);

    const r = await cli(['import-subscribers', file, '--key', oldPair.publicKey]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Imported ${file} (JSON), bound to VAPID key Legacy ${stamp}`);
    expect(r.out).toContain('1 accepted (new), 0 updated, 0 unchanged, 1 rejected — 2 rows.');
    expect(r.out).toMatch(/ENTRY\s+OUTCOME\s+DETAIL\n2\s+rejected\s+keys\.auth must be 16 bytes\./);
    expect(r.out + r.err).not.toContain(good.endpoint);
    const [row] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.endpoint, good.endpoint));
    const [legacy] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.publicKey, oldPair.publicKey));
    expect(row).toMatchObject({ status: 'active', vapidKeyId: legacy!.id });

    const again = JSON.parse((await cli(['import-subscribers', file, '--key', legacy!.id, '--json'])).out) as {
      accepted: number;
      unchanged: number;
      rejected: number;
    };
    expect(again).toMatchObject({ accepted: 0, unchanged: 1, rejected: 1 });
  });

  it('import-subscribers fails clearly: no file (1), no key (2), an unknown key (1), an unreadable file (1)', async () => {
    expect(await cli(['import-subscribers', path.join(tmp, 'missing.json'), '--key', oldPair.publicKey])).toMatchObject({
      code: 1,
      err: `There is no file ${path.join(tmp, 'missing.json')}.\n`,
    });
    const noKey = await cli(['import-subscribers', path.join(tmp, 'subs.json')]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/^--key is required/);
    expect((await cli(['import-subscribers', path.join(tmp, 'subs.json'), '--key', 'BNope'])).err).toMatch(/^There is no VAPID key "BNope"/);
    const broken = path.join(tmp, 'broken.json');
    writeFileSync(broken, '[{"endpoint":');
    const r = await cli(['import-subscribers', broken, '--key', oldPair.publicKey]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Error: The file is not valid JSON/);
  });

  it('export-subscribers writes CSV or JSON, filtered by topic, without endpoints or keys', async () => {
    const s = browser();
    const { id } = await subscribe(tdb, { subscription: s, topics: [`news-${stamp}`] });
    const csv = await cli(['export-subscribers', '--topic', `news-${stamp}`]);
    expect(csv.code).toBe(0);
    const lines = csv.out.trim().split('\r\n');
    expect(lines[0]).toBe('id,status,push_service,topics,vapid_key,created_at,ended_at,user_agent');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([id]);
    expect(csv.out).not.toContain(s.endpoint);
    expect(csv.out).not.toContain(s.keys.p256dh);

    const json = JSON.parse((await cli(['export-subscribers', '--format', 'json', '--status', 'active'])).out) as { id: string; topics: string[] }[];
    expect(json.find((x) => x.id === id)).toMatchObject({ topics: [`news-${stamp}`] });
    expect(JSON.parse((await cli(['export-subscribers', '--json', '--status', 'expired'])).out)).toEqual([]);
    expect(await lastAudit('subscriber.export')).toMatchObject({ actorLabel: 'cli', targetLabel: 'JSON export' });
  });

  it('export-subscribers --with-keys writes what import-subscribers reads: a subscriber moved out comes back whole', async () => {
    // An auth secret whose base64url starts with "-": the one a spreadsheet formula guard would alter.
    const auth = randomBytes(16);
    auth[0] = 0xf8;
    const s = { ...browser(), keys: { ...browser().keys, auth: auth.toString('base64url') } };
    expect(s.keys.auth.startsWith('-')).toBe(true);
    const { id } = await subscribe(tdb, { subscription: s, topics: [`news-${stamp}`] });
    const [active] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    for (const format of ['json', 'csv'] as const) {
      const exported = await cli(['export-subscribers', '--with-keys', '--topic', `news-${stamp}`, '--key', active!.id, '--format', format]);
      expect(exported.code).toBe(0);
      expect(exported.out).toContain(s.endpoint);
      expect(exported.out).toContain(s.keys.auth);
      const file = path.join(tmp, `moved.${format}`);
      writeFileSync(file, exported.out);
      // Gone from here, then imported back from the file with the key it was made with.
      await tdb.db.delete(subscriptions).where(eq(subscriptions.endpoint, s.endpoint));
      const r = JSON.parse((await cli(['import-subscribers', file, '--key', active!.id, '--json'])).out) as { rejected: number; rows: { status: string }[] };
      expect(r.rejected).toBe(0);
      const [back] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.endpoint, s.endpoint));
      expect(back).toMatchObject({ p256dh: s.keys.p256dh, auth: s.keys.auth, vapidKeyId: active!.id, status: 'active' });
      expect(back!.id).not.toBe(id);
    }
    expect(await lastAudit('subscriber.export')).toMatchObject({ actorLabel: 'cli', targetLabel: 'CSV export with endpoints and keys' });
  });

  it('export-subscribers fails clearly: an unknown topic (1), a bad format or status (2)', async () => {
    expect(await cli(['export-subscribers', '--topic', 'nope'])).toMatchObject({
      code: 1,
      out: '',
      err: 'There is no topic "nope". See: npm run cli -- list-topics\n',
    });
    expect((await cli(['export-subscribers', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['export-subscribers', '--status', 'gone'])).code).toBe(2);
  });
});

describe('projects', () => {
  it('creates a project, keeps its topics apart with --project, and refuses an unknown one', async () => {
    const created = await cli([
      'projects',
      'create',
      '--slug',
      'shop',
      '--name',
      'Shop',
      '--origins',
      'https://shop.example,https://www.shop.example',
      '--json',
    ]);
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ slug: 'shop', name: 'Shop', origins: ['https://shop.example', 'https://www.shop.example'] });
    expect(await lastAudit('project.create')).toMatchObject({ targetLabel: 'shop', actorLabel: 'cli' });

    expect((await cli(['create-topic', '--project', 'shop', '--slug', 'only-in-shop', '--name', 'Shop only'])).code).toBe(0);
    const inShop = JSON.parse((await cli(['list-topics', '--project', 'shop', '--json'])).out) as { slug: string }[];
    expect(inShop.map((t) => t.slug)).toEqual(['only-in-shop']);
    const inDefault = JSON.parse((await cli(['list-topics', '--json'])).out) as { slug: string }[];
    expect(inDefault.map((t) => t.slug)).not.toContain('only-in-shop');

    const unknown = await cli(['list-topics', '--project', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('There is no project "nope"');
    const badOrigin = await cli(['projects', 'create', '--slug', 'blog', '--name', 'Blog', '--origins', 'https://blog.example/path']);
    expect(badOrigin.code).toBe(1);
    expect(badOrigin.err).toContain('is not an origin');
    expect((await cli(['projects', 'create', '--slug', 'shop', '--name', 'Again'])).err).toContain('already exists');

    const renamed = await cli(['projects', 'rename', 'shop', '--name', 'The shop', '--json']);
    expect(JSON.parse(renamed.out)).toMatchObject({ slug: 'shop', name: 'The shop' });
    const list = JSON.parse((await cli(['projects', 'list', '--json'])).out) as { slug: string; name: string }[];
    expect(list.map((p) => [p.slug, p.name])).toEqual([
      ['default', 'Default project'],
      ['shop', 'The shop'],
    ]);
  });

  it('deletes a project only when its slug is repeated with --confirm, and never the default one', async () => {
    expect((await cli(['projects', 'create', '--slug', 'gone', '--name', 'Gone soon'])).code).toBe(0);
    expect((await cli(['create-topic', '--project', 'gone', '--slug', 'news', '--name', 'News'])).code).toBe(0);

    const unconfirmed = await cli(['projects', 'delete', 'gone']);
    expect(unconfirmed).toMatchObject({ code: 2, out: '' });
    expect(unconfirmed.err).toMatch(/^Deleting a project removes all of its data\. Repeat its slug to confirm: projects delete gone --confirm gone\./);
    const mistyped = await cli(['projects', 'delete', 'gone', '--confirm', 'gnoe']);
    expect(mistyped).toMatchObject({ code: 1, out: '' });
    expect(mistyped.err).toContain('repeat its slug "gone" to confirm');
    expect((await cli(['projects', 'delete', 'default', '--confirm', 'default'])).err).toContain('it cannot be deleted');
    expect((await cli(['projects', 'delete', 'nope', '--confirm', 'nope'])).err).toContain('There is no project "nope"');
    expect(JSON.parse((await cli(['projects', 'list', '--json'])).out).map((p: { slug: string }) => p.slug)).toContain('gone');

    const deleted = await cli(['projects', 'delete', 'gone', '--confirm', 'gone']);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toBe('Deleted project gone ("Gone soon"): 0 subscribers, 0 campaigns and 1 topic removed.\n');
    expect(await lastAudit('project.delete')).toMatchObject({ targetLabel: 'gone', actorLabel: 'cli', projectId: null });
    const list = JSON.parse((await cli(['projects', 'list', '--json'])).out) as { slug: string }[];
    expect(list.map((p) => p.slug)).toEqual(['default', 'shop']);
    expect((await cli(['list-topics', '--project', 'gone'])).err).toContain('There is no project "gone"');
  });
});

describe('the real entry point', () => {
  function run(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--conditions=react-server', '--import', 'tsx', 'scripts/cli.ts', ...args],
        { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
        (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });
  }

  it('answers --help without opening a database', async () => {
    const r = await run(['create-topic', '--help'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: npm run cli -- create-topic');
  });

  it('refuses clearly while a running app holds the embedded database', async () => {
    const dir = path.join(tmp, 'pglite');
    // What server.mjs leaves while it runs: the lock naming a live process (this one).
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), argv: 'server.mjs' }));
    const r = await run(['list-topics'], { DATABASE_URL: '', PGLITE_DIR: dir });
    expect(r.code).toBe(1);
    const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(r.err).toMatch(
      new RegExp(
        `^The embedded database at ${escaped} is in use by process ${process.pid} \\(server\\.mjs, since [^)]+\\)\\. Only one process may open it: stop that process first \\(or point this one at PostgreSQL with DATABASE_URL\\)\\.\n$`,
      ),
    );
  });

  it.runIf(process.env.TEST_DB === 'postgres')('runs a command against PostgreSQL end to end', async () => {
    const r = await run(['create-topic', '--slug', `proc-${stamp}`, '--name', 'From a process', '--json'], { DATABASE_URL: tdb.url! });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ slug: `proc-${stamp}` });
    expect(
      await tdb.db
        .select()
        .from(topics)
        .where(eq(topics.slug, `proc-${stamp}`)),
    ).toHaveLength(1);
  });
});
