/** Subscriber commands: export (CSV or JSON, streamed) and import (JSON or CSV, with a report). */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { subscriptionStatuses } from '../../db/schema';
import { exportSubscribers } from '../../server/subscribers/export';
import { importSubscribers, type ImportReport } from '../../server/subscribers/import';
import { decodeImportFile } from '../../server/subscribers/import-file';
import { listTopics } from '../../server/topics/queries';
import { fail, str, table, usage, type Command } from './types';
import { findKey } from './vapid';

export const exportSubscribersCommand: Command = {
  name: 'export-subscribers',
  summary: 'Write subscribers as CSV or JSON to stdout (endpoints and keys only with --with-keys)',
  usage: 'export-subscribers [--topic SLUG] [--status active|expired|unsubscribed] [--key ID|PUBLIC_KEY] [--format csv|json] [--with-keys] > file',
  options: {
    topic: { type: 'string', description: 'only subscribers of this topic', placeholder: 'slug' },
    status: { type: 'string', description: 'only subscribers with this status', placeholder: 'status' },
    key: { type: 'string', description: 'only subscriptions made with this VAPID key (id or public key)', placeholder: 'key' },
    format: { type: 'string', description: 'csv (the default; the dashboard export) or json', placeholder: 'format' },
    'with-keys': {
      type: 'boolean',
      description:
        'write endpoint, p256dh, auth and topics: the format import-subscribers reads, to move subscribers elsewhere (they let anyone push to these people: keep the file safe)',
    },
  },
  examples: [
    'npm run -s cli -- export-subscribers --topic news > news.csv',
    'npm run -s cli -- export-subscribers --format json --status active > active.json',
    'npm run -s cli -- export-subscribers --with-keys --status active --key 0190a6b4-… --format json > move.json',
  ],
  async run(io, v) {
    const format = str(v.format) ?? (io.json ? 'json' : 'csv');
    if (format !== 'csv' && format !== 'json') usage('--format is csv or json.');
    const status = str(v.status);
    if (status && !(subscriptionStatuses as readonly string[]).includes(status)) usage(`--status is one of ${subscriptionStatuses.join(', ')}.`);
    let topic: string | undefined;
    const slug = str(v.topic)?.toLowerCase();
    if (slug) {
      topic = (await listTopics(io.ctx)).find((t) => t.slug === slug)?.id;
      if (!topic) fail(`There is no topic "${slug}". See: npm run cli -- list-topics`);
    }
    let vapidKeyId: string | undefined;
    const keyRef = str(v.key);
    if (keyRef) vapidKeyId = (await findKey(io, keyRef)).id;
    if (v['with-keys'] && !vapidKeyId)
      io.note('Subscriptions stay bound to the VAPID key they were made with: export one key at a time (--key) and import each file with that key.');
    const stream = await exportSubscribers(io.ctx, { topic, status, vapidKeyId }, format, { withKeys: !!v['with-keys'] });
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await io.write(value);
    }
  },
};

function printReport(io: Parameters<Command['run']>[0], r: ImportReport, file: string) {
  const what = r.dryRun ? 'Dry run (nothing was stored) of' : 'Imported';
  io.out(`${what} ${file} (${r.format.toUpperCase()}), bound to VAPID key ${r.vapidKey.label} (${r.vapidKey.id}):`);
  io.out(
    `  ${r.accepted} ${r.dryRun ? 'would be accepted' : 'accepted'} (new), ${r.updated} ${r.dryRun ? 'would be updated' : 'updated'}, ${r.unchanged} unchanged, ${r.rejected} rejected — ${r.total} rows.`,
  );
  const rowWord = r.format === 'csv' ? 'line' : 'entry';
  const listed = r.rows.filter((x) => x.status === 'rejected' || x.status === 'updated');
  if (listed.length) {
    io.out('');
    for (const line of table([[rowWord.toUpperCase(), 'OUTCOME', 'DETAIL'], ...listed.map((x) => [String(x.row), x.status, x.reason ?? ''])])) io.out(line);
  }
  if (r.rejected && !r.dryRun) io.note('Rejected rows stored nothing. Fix them and import the file again: rows already imported stay unchanged.');
}

export const importSubscribersCommand: Command = {
  name: 'import-subscribers',
  summary: 'Import subscriptions collected elsewhere (JSON or CSV), bound to their VAPID key',
  usage: 'import-subscribers FILE --key ID|PUBLIC_KEY [--format json|csv] [--dry-run] [--json]',
  options: {
    key: { type: 'string', description: 'the VAPID key the subscriptions were made with (vapid import it first): id or public key', placeholder: 'key' },
    format: { type: 'string', description: 'json or csv (default: from the file name, else the content)', placeholder: 'format' },
    'dry-run': { type: 'boolean', description: 'check every row and report, storing nothing' },
  },
  examples: [
    'npm run cli -- import-subscribers subscriptions.json --key BOr3…(public key) --dry-run',
    'npm run cli -- import-subscribers export.csv --key 0190a6b4-…',
    'JSON: [{"endpoint":"https://…","keys":{"p256dh":"…","auth":"…"},"topics":["news"]}, …]',
    'CSV:  endpoint,p256dh,auth,topics   (topics separated by ";"; the header row is optional)',
  ],
  positionals: true,
  async run(io, v, args) {
    if (args.length !== 1) usage('Name one file to import.');
    const ref = str(v.key);
    if (!ref) usage('--key is required: the VAPID key these subscriptions were made with (see: npm run cli -- vapid list; import it with vapid import).');
    const format = str(v.format);
    if (format && format !== 'csv' && format !== 'json') usage('--format is json or csv.');
    const file = args[0]!;
    let bytes: Uint8Array;
    try {
      if (!(await stat(file)).isFile()) fail(`${file} is not a file.`);
      bytes = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') fail(`There is no file ${file}.`);
      if (code === 'EACCES') fail(`${file} cannot be read (permission denied).`);
      throw e;
    }
    const key = await findKey(io, ref);
    const content = decodeImportFile(bytes);
    const report = await importSubscribers(io.ctx, { vapidKeyId: key.id, content, filename: path.basename(file), format, dryRun: !!v['dry-run'] });
    io.result(report, () => printReport(io, report, file));
  },
};
