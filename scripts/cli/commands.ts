/**
 * The CLI's commands. Each one parses its options, then calls the same service the dashboard and
 * the API use (which checks permissions, validates and audits) — no command touches the database
 * itself. The `cli` actor is trusted like an owner and audited as "cli".
 */
import { ROLES } from '../../lib/auth/roles';
import { createApiKey } from '../../server/api-keys/mutations';
import { listTopics } from '../../server/topics/queries';
import { AppError } from '../../lib/errors';
import { addMember, createUser, removeMember } from '../../server/users/mutations';
import { listUsers, setupOpen } from '../../server/users/queries';
import { exportSubscribersCommand, importSubscribersCommand } from './subscribers';
import { projectsCreate, projectsDelete, projectsList, projectsRename } from './projects';
import { createTopicCommand, deleteTopicCommand, listTopicsCommand } from './topics';
import { str, table, usage, type Command } from './types';
import { vapidActivate, vapidGenerate, vapidImport, vapidList } from './vapid';

const createAdmin: Command = {
  name: 'create-admin',
  summary: 'Create a user who can sign in (the owner when none exists yet)',
  usage: 'create-admin --email E (--password-stdin | --password P) [--role owner|admin|marketer|viewer] [--name N]',
  options: {
    email: { type: 'string', description: 'their sign-in e-mail', placeholder: 'email' },
    'password-stdin': { type: 'boolean', description: 'read the password from stdin (keeps it out of shell history)' },
    password: { type: 'string', description: 'the password (or set PUSHDECK_ADMIN_PASSWORD)', placeholder: 'password' },
    role: { type: 'string', description: 'owner, admin, marketer or viewer (default: owner for the first user, else admin)', placeholder: 'role' },
    name: { type: 'string', description: 'display name', placeholder: 'name' },
  },
  examples: ["npm run cli -- create-admin --email you@example.com --password-stdin <<< 'a long password'"],
  async run(io, v) {
    const email = str(v.email);
    if (!email) usage('--email is required.');
    let password = typeof v.password === 'string' ? v.password : process.env.PUSHDECK_ADMIN_PASSWORD;
    if (v['password-stdin']) password = await io.readStdin();
    if (!password) usage('Give the password with --password-stdin, --password or PUSHDECK_ADMIN_PASSWORD.');
    const role = str(v.role) ?? ((await setupOpen(io.ctx)) ? 'owner' : 'admin');
    if (!(ROLES as readonly string[]).includes(role)) usage(`--role must be one of ${ROLES.join(', ')}.`);
    const user = await createUser(io.ctx, { email, password, role, name: str(v.name) ?? '' });
    io.result({ id: user.id, email: user.email, role: user.role }, () => io.out(`Created ${user.role} ${user.email} (${user.id}).`));
  },
};

const usersList: Command = {
  name: 'users list',
  summary: 'List the users of a project (--project) and the owners',
  usage: 'users list [--json]',
  options: {},
  async run(io) {
    const list = await listUsers(io.ctx);
    io.result(list, () => {
      if (list.length === 0) return io.out('No users yet. Create one with: npm run cli -- create-admin --email you@example.com --password-stdin');
      for (const line of table(list.map((u) => [u.id, u.role, u.disabledAt ? 'disabled' : 'active', u.email]))) io.out(line);
    });
  },
};

const usersAdd: Command = {
  name: 'users add',
  summary: 'Add an existing user to a project (--project), with a role there',
  usage: 'users add --email E --role admin|marketer|viewer [--project SLUG]',
  options: {
    email: { type: 'string', description: 'the e-mail they sign in with', placeholder: 'email' },
    role: { type: 'string', description: 'their role in this project: admin, marketer or viewer', placeholder: 'role' },
  },
  examples: ['npm run cli -- users add --email ana@example.com --role marketer --project shop'],
  async run(io, v) {
    if (!str(v.email)) usage('--email is required.');
    if (!str(v.role)) usage('--role is required: admin, marketer or viewer.');
    const user = await addMember(io.ctx, { email: v.email, role: v.role });
    io.result({ id: user.id, email: user.email, role: user.role, project: io.ctx.project.slug }, () =>
      io.out(`${user.email} is now ${user.role} in project ${io.ctx.project.slug}.`),
    );
  },
};

const usersRemove: Command = {
  name: 'users remove',
  summary: 'Remove a user from a project (--project); the account stays',
  usage: 'users remove --email E [--project SLUG]',
  options: { email: { type: 'string', description: 'the e-mail they sign in with', placeholder: 'email' } },
  async run(io, v) {
    const email = str(v.email)?.toLowerCase();
    if (!email) usage('--email is required.');
    const member = (await listUsers(io.ctx)).find((u) => u.email === email);
    if (!member) throw new AppError('not_found', `${email} is not a member of project ${io.ctx.project.slug}.`);
    const user = await removeMember(io.ctx, { userId: member.id });
    io.result({ id: user.id, email: user.email, project: io.ctx.project.slug }, () =>
      io.out(`${user.email} is no longer a member of project ${io.ctx.project.slug}.`),
    );
  },
};

const createApiKeyCommand: Command = {
  name: 'create-api-key',
  summary: 'Create an API key and print it (shown once)',
  usage: 'create-api-key --name N [--scopes send,manage] [--topics a,b] [--expires YYYY-MM-DD]',
  options: {
    name: { type: 'string', description: 'what the key is for, e.g. "Shop backend"', placeholder: 'name' },
    scopes: {
      type: 'string',
      description: 'send (notifications; the default), manage (topics and subscribers) and/or admin (the projects API)',
      placeholder: 'scopes',
    },
    topics: { type: 'string', description: 'limit the key to these topic slugs (default: any topic)', placeholder: 'slugs' },
    expires: { type: 'string', description: 'expiry date or ISO date-time (default: never)', placeholder: 'date' },
  },
  examples: ['KEY=$(npm run -s cli -- create-api-key --name "Shop" --topics news)', 'npm run cli -- create-api-key --name "Ops" --scopes manage'],
  async run(io, v) {
    const name = str(v.name);
    if (!name) usage('--name is required.');
    const slugs = [
      ...new Set(
        (str(v.topics) ?? '')
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    const known = slugs.length ? await listTopics(io.ctx) : [];
    const missing = slugs.filter((s) => !known.some((t) => t.slug === s));
    if (missing.length) usage(`Unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. See: npm run cli -- list-topics`);
    const scopes = str(v.scopes)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? ['send'];
    const topicIds = slugs.map((s) => known.find((t) => t.slug === s)!.id);
    const { key, apiKey } = await createApiKey(io.ctx, { name, topicIds, scopes, expiresAt: str(v.expires) ?? '' });
    // The key alone on stdout, so `KEY=$(npm run -s cli -- create-api-key …)` works.
    io.result({ key, id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes, topics: slugs, expiresAt: apiKey.expiresAt }, () => io.out(key));
    if (!io.json) io.note(`Created API key "${apiKey.name}" (${apiKey.prefix}…, scopes: ${apiKey.scopes.join(', ')}). Store it now: it is not shown again.`);
  },
};

export const commands: Command[] = [
  projectsList,
  projectsCreate,
  projectsRename,
  projectsDelete,
  createAdmin,
  usersList,
  usersAdd,
  usersRemove,
  createApiKeyCommand,
  createTopicCommand,
  listTopicsCommand,
  deleteTopicCommand,
  vapidList,
  vapidGenerate,
  vapidImport,
  vapidActivate,
  exportSubscribersCommand,
  importSubscribersCommand,
];
