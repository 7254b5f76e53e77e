/** The CLI's commands. Each one calls the same service the dashboard uses. */
import { sql } from 'drizzle-orm';
import { inArray } from 'drizzle-orm';
import { topics, users } from '../../db/schema';
import { createApiKey } from '../../server/api-keys/mutations';
import { ROLES } from '../../lib/auth/roles';
import { createUser } from '../../server/users/mutations';
import { listUsers } from '../../server/users/queries';
import { usage, type Command } from './types';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const createAdmin: Command = {
  name: 'create-admin',
  summary: 'Create a user who can sign in (the owner when none exists yet)',
  usage: 'create-admin --email E (--password P | --password-stdin) [--role owner|admin|marketer|viewer] [--name N]',
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    role: { type: 'string' },
    name: { type: 'string' },
  },
  async run(io, v) {
    if (!v.email) usage('--email is required.');
    let password = typeof v.password === 'string' ? v.password : process.env.PUSHDECK_ADMIN_PASSWORD;
    if (v['password-stdin']) password = await readStdin();
    if (!password) usage('Give the password with --password, --password-stdin or PUSHDECK_ADMIN_PASSWORD.');
    const [{ n }] = (await io.ctx.db.select({ n: sql<number>`count(*)::int` }).from(users)) as [{ n: number }];
    const role = (v.role as string | undefined) ?? (n === 0 ? 'owner' : 'admin');
    if (!(ROLES as readonly string[]).includes(role)) usage(`--role must be one of ${ROLES.join(', ')}.`);
    const user = await createUser(io.ctx, { email: v.email, password, role, name: v.name ?? '' });
    io.result({ id: user.id, email: user.email, role: user.role }, () => io.out(`Created ${user.role} ${user.email} (${user.id}).`));
  },
};

const usersList: Command = {
  name: 'users list',
  summary: 'List dashboard users',
  usage: 'users list [--json]',
  options: {},
  async run(io) {
    const list = await listUsers(io.ctx);
    io.result(list, () => {
      if (list.length === 0) return io.out('No users yet. Create one with: npm run cli -- create-admin --email you@example.com --password-stdin');
      for (const u of list) io.out(`${u.id}  ${u.role.padEnd(8)}  ${u.disabledAt ? 'disabled' : 'active  '}  ${u.email}`);
    });
  },
};

const createApiKeyCommand: Command = {
  name: 'create-api-key',
  summary: 'Create an API key and print it (shown once)',
  usage: 'create-api-key --name N [--topics a,b] [--scopes send,manage] [--expires YYYY-MM-DD]',
  options: { name: { type: 'string' }, topics: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' } },
  async run(io, v) {
    if (!v.name) usage('--name is required.');
    const slugs = typeof v.topics === 'string' ? v.topics.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : [];
    const found = slugs.length ? await io.ctx.db.select({ id: topics.id, slug: topics.slug }).from(topics).where(inArray(topics.slug, slugs)) : [];
    const missing = slugs.filter((s) => !found.some((f) => f.slug === s));
    if (missing.length) usage(`Unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
    const scopes = typeof v.scopes === 'string' ? v.scopes.split(',').map((s) => s.trim()).filter(Boolean) : ['send'];
    const { key, apiKey } = await createApiKey(io.ctx, { name: v.name, topicIds: found.map((f) => f.id), scopes, expiresAt: v.expires ?? '' });
    // The key alone on stdout, so `KEY=$(npm run -s cli -- create-api-key …)` works.
    io.result({ key, id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes, topics: slugs, expiresAt: apiKey.expiresAt }, () => io.out(key));
    if (!io.json) process.stderr.write(`Created API key "${apiKey.name}" (${apiKey.prefix}…). Store it now: it is not shown again.\n`);
  },
};

export const commands: Command[] = [createAdmin, createApiKeyCommand, usersList];
