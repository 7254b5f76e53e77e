/**
 * VAPID key commands: list, generate, import, activate. Private keys are read from stdin (or an
 * option, for scripts that have no other way) and never printed.
 */
import { activateVapidKey, generateVapidKey, importVapidKey, type PublicVapidKey } from '../../server/vapid/mutations';
import { listVapidKeys, type VapidKeyRow } from '../../server/vapid/queries';
import { fail, str, table, usage, type Command, type CommandIo } from './types';

const keyJson = (k: PublicVapidKey & { activeSubscriptions?: number }) => ({
  id: k.id,
  name: k.name,
  status: k.status,
  publicKey: k.publicKey,
  subject: k.subject,
  ...(k.activeSubscriptions === undefined ? {} : { activeSubscriptions: k.activeSubscriptions }),
  createdAt: k.createdAt.toISOString(),
  activatedAt: k.activatedAt?.toISOString() ?? null,
  retiredAt: k.retiredAt?.toISOString() ?? null,
});

const describe = (k: PublicVapidKey) => `${k.name ? `"${k.name}" ` : ''}(${k.id}, ${k.status})`;

/** A key by id or by its public half (what another setup's configuration holds). */
export async function findKey(io: CommandIo, ref: string): Promise<VapidKeyRow> {
  const keys = await listVapidKeys(io.ctx);
  const k = keys.find((x) => x.id === ref.toLowerCase() || x.publicKey === ref.replace(/=+$/, ''));
  if (!k) fail(`There is no VAPID key "${ref}". See: npm run cli -- vapid list`);
  return k;
}

function subjectOf(v: Record<string, string | boolean | undefined>): string {
  const subject = str(v.subject) ?? process.env.VAPID_SUBJECT;
  if (!subject) usage('--subject is required: a contact for push services, mailto:you@example.com or an https: URL (or set VAPID_SUBJECT).');
  return subject;
}

const subjectOption = {
  type: 'string',
  description: 'contact for push services: mailto: or https: (default: $VAPID_SUBJECT)',
  placeholder: 'contact',
} as const;
const activateOption = { type: 'boolean', description: 'make it the active key for new subscriptions at once' } as const;

export const vapidList: Command = {
  name: 'vapid list',
  summary: 'List VAPID keys with how many active subscriptions use each',
  usage: 'vapid list [--json]',
  options: {},
  async run(io) {
    const keys = await listVapidKeys(io.ctx);
    io.result(keys.map(keyJson), () => {
      if (keys.length === 0)
        return io.out(
          'No VAPID keys yet (the app creates one at its first start). Generate one with: npm run cli -- vapid generate --subject mailto:you@example.com',
        );
      const rows = [
        ['ID', 'STATUS', 'NAME', 'SUBSCRIPTIONS', 'PUBLIC KEY', 'SUBJECT'],
        ...keys.map((k) => [k.id, k.status, k.name || '—', String(k.activeSubscriptions), `${k.publicKey.slice(0, 16)}…`, k.subject]),
      ];
      for (const line of table(rows)) io.out(line);
    });
  },
};

export const vapidGenerate: Command = {
  name: 'vapid generate',
  summary: 'Generate a VAPID key pair (on standby unless --activate)',
  usage: 'vapid generate --subject mailto:you@example.com [--name N] [--activate]',
  options: {
    subject: subjectOption,
    name: { type: 'string', description: 'a label, e.g. "2026 key"', placeholder: 'name' },
    activate: activateOption,
  },
  async run(io, v) {
    const k = await generateVapidKey(io.ctx, { subject: subjectOf(v), name: str(v.name) ?? '', activate: !!v.activate });
    io.result(keyJson(k), () => {
      io.out(`Generated key ${describe(k)}.`);
      io.out(`Public key: ${k.publicKey}`);
    });
  },
};

export const vapidImport: Command = {
  name: 'vapid import',
  summary: 'Import the VAPID key pair of another setup (so its subscribers keep working)',
  usage: 'vapid import --subject S (--private-stdin | --private K) [--public P] [--name N] [--activate]',
  options: {
    subject: subjectOption,
    'private-stdin': { type: 'boolean', description: 'read the private key (base64url or PEM) from stdin: keeps it out of shell history' },
    private: { type: 'string', description: 'the private key, base64url (as web-push prints it) or PEM', placeholder: 'key' },
    public: { type: 'string', description: 'the public key, base64url; checked against the private key (optional)', placeholder: 'key' },
    name: { type: 'string', description: 'a label, e.g. "Old setup"', placeholder: 'name' },
    activate: activateOption,
  },
  examples: [
    'npm run cli -- vapid import --subject mailto:ops@example.com --public "$VAPID_PUBLIC_KEY" --private-stdin <<< "$VAPID_PRIVATE_KEY"',
    'npm run cli -- vapid import --subject mailto:ops@example.com --private-stdin < vapid_private.pem',
  ],
  async run(io, v) {
    const subject = subjectOf(v);
    if (v['private-stdin'] && v.private !== undefined) usage('Give the private key once: --private-stdin or --private.');
    const privateKey = v['private-stdin'] ? await io.readStdin() : str(v.private);
    if (!privateKey) usage('Give the private key with --private-stdin (or --private).');
    const k = await importVapidKey(io.ctx, { subject, privateKey, publicKey: str(v.public) ?? '', name: str(v.name) ?? '', activate: !!v.activate });
    io.result(keyJson(k), () => {
      io.out(`Imported key ${describe(k)}.`);
      io.out(`Public key: ${k.publicKey}`);
    });
  },
};

export const vapidActivate: Command = {
  name: 'vapid activate',
  summary: 'Make a key the active one: new subscriptions use it; the previous key retires',
  usage: 'vapid activate ID|PUBLIC_KEY',
  options: {},
  positionals: true,
  async run(io, _v, args) {
    if (args.length !== 1) usage('Name one key: its id or its public key (see: npm run cli -- vapid list).');
    const target = await findKey(io, args[0]!.trim());
    const k = await activateVapidKey(io.ctx, { id: target.id });
    io.result(keyJson(k), () =>
      io.out(
        target.status === 'active' ? `Key ${describe(k)} was already the active key.` : `Key ${describe(k)} is now the active key; new subscriptions use it.`,
      ),
    );
  },
};
