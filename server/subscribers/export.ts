/**
 * The subscribers export (CSV for the dashboard and the CLI, JSON for the CLI): the list's
 * filters, streamed in keyset chunks of 1000 so a million rows never sit in memory and the first
 * bytes leave at once. Endpoints and keys are
 * left out on purpose — they are capabilities that let anyone holding them push to the person —
 * except in the command line's `--with-keys` export, which writes the import's own format.
 *
 * Cells are RFC 4180-quoted and neutralised against spreadsheet formula injection (a user agent
 * or topic name starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`).
 */
import 'server-only';
import { and, inArray } from 'drizzle-orm';
import { subscriptions } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, type Ctx } from '../context';
import { ofProject } from '../projects/scope';
import { subscriberPage, type SubscriberRow } from './queries';
import { subscriberFiltersSchema, type SubscriberFilters } from './schemas';

export const EXPORT_CHUNK = 1000;
export const CSV_HEADER = ['id', 'status', 'push_service', 'topics', 'vapid_key', 'created_at', 'ended_at', 'user_agent'] as const;

/**
 * One RFC 4180 cell. `guard` (the default) neutralises spreadsheet formulas; the keyed export turns
 * it off: its cells are URLs and base64url keys for a program to read, and an auth secret may well
 * start with "-" — a leading `'` would make it a different, invalid key.
 */
export function csvCell(value: string | null | undefined, guard = true): string {
  let v = value ?? '';
  if (guard && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(cells: (string | null | undefined)[], guard = true): string {
  return `${cells.map((c) => csvCell(c, guard)).join(',')}\r\n`;
}

/** How an export writes rows of type T: a head, rows chunk by chunk, a tail. */
interface Shape<T> {
  head: string;
  rows: (items: T[], first: boolean) => string;
  tail: (total: number) => string;
}

function csvShape<T>(header: readonly string[], cells: (r: T) => (string | null | undefined)[], guard = true): Shape<T> {
  return { head: csvLine([...header]), rows: (items) => items.map((r) => csvLine(cells(r), guard)).join(''), tail: () => '' };
}

/** One object per line inside the array: valid JSON that still diffs and greps well. */
function jsonShape<T>(object: (r: T) => unknown): Shape<T> {
  return {
    head: '[',
    rows: (items, first) => items.map((r, i) => `${first && i === 0 ? '\n' : ',\n'}${JSON.stringify(object(r))}`).join(''),
    tail: (n) => (n ? '\n]\n' : ']\n'),
  };
}

export type ExportFormat = 'csv' | 'json';

const FORMATS: Record<ExportFormat, Shape<SubscriberRow>> = {
  csv: csvShape(CSV_HEADER, (r) => [
    r.id,
    r.status,
    r.pushService,
    r.topics.map((t) => t.name).join('; '),
    r.vapidKey?.label ?? '',
    r.createdAt.toISOString(),
    r.endedAt?.toISOString() ?? '',
    r.userAgent ?? '',
  ]),
  // Topics by slug (what the API and the import use), the key by id.
  json: jsonShape((r) => ({
    id: r.id,
    status: r.status,
    pushService: r.pushService,
    topics: r.topics.map((t) => t.slug),
    vapidKey: r.vapidKey ? { id: r.vapidKey.id, label: r.vapidKey.label } : null,
    createdAt: r.createdAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    userAgent: r.userAgent,
  })),
};

/**
 * Rows that carry the subscription itself (endpoint and keys), in the shape the import reads:
 * for moving subscribers to another Pushdeck (or another sender). Only the command line offers
 * it — whoever runs it already holds the database.
 */
interface KeyedRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  topics: string[];
}

const KEYED_FORMATS: Record<ExportFormat, Shape<KeyedRow>> = {
  // Written verbatim (no formula guard): see csvCell.
  csv: csvShape(['endpoint', 'p256dh', 'auth', 'topics'], (r) => [r.endpoint, r.p256dh, r.auth, r.topics.join(';')], false),
  json: jsonShape((r) => ({ endpoint: r.endpoint, expirationTime: null, keys: { p256dh: r.p256dh, auth: r.auth }, topics: r.topics })),
};

/** A page's endpoints and keys, which the list's rows leave out on purpose: one query by id. */
async function keyedRows(ctx: Ctx, items: SubscriberRow[]): Promise<KeyedRow[]> {
  if (!items.length) return [];
  const found = await ctx.db
    .select({ id: subscriptions.id, endpoint: subscriptions.endpoint, p256dh: subscriptions.p256dh, auth: subscriptions.auth })
    .from(subscriptions)
    .where(
      and(
        ofProject(subscriptions, ctx),
        inArray(
          subscriptions.id,
          items.map((r) => r.id),
        ),
      ),
    );
  const byId = new Map(found.map((f) => [f.id, f]));
  return items.flatMap((r) => {
    const f = byId.get(r.id);
    return f ? [{ endpoint: f.endpoint, p256dh: f.p256dh, auth: f.auth, topics: r.topics.map((t) => t.slug) }] : [];
  });
}

export function exportFilename(now = new Date()): string {
  return `subscribers-${now.toISOString().slice(0, 10)}.csv`;
}

export function exportSubscribersCsv(ctx: Ctx, input: unknown): Promise<ReadableStream<Uint8Array>> {
  return exportSubscribers(ctx, input, 'csv');
}

/**
 * Checks the permission, records who exported with which filters (the row count is not known
 * until the stream ends), and returns the export as a stream pulled chunk by chunk.
 */
export async function exportSubscribers(
  ctx: Ctx,
  input: unknown,
  format: ExportFormat,
  opts: { withKeys?: boolean } = {},
): Promise<ReadableStream<Uint8Array>> {
  assertCan(ctx, 'subscribers.read');
  if (opts.withKeys) {
    // Endpoints and keys let anyone push to these people: the command line only, and admins.
    assertCan(ctx, 'subscribers.manage');
    if (ctx.actor.kind !== 'system') throw new AppError('forbidden', 'Exports with endpoints and keys are made from the command line only.');
  }
  const parsed = subscriberFiltersSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, 'Those filters are not valid.');
  const filters: SubscriberFilters = parsed.data;
  const recorded = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
  await recordAudit(ctx, {
    action: 'subscriber.export',
    targetType: 'subscriber',
    targetLabel: `${format.toUpperCase()} export${opts.withKeys ? ' with endpoints and keys' : ''}`,
    after: { filters: recorded, withKeys: !!opts.withKeys },
  });
  return opts.withKeys
    ? streamExport(ctx, filters, format, KEYED_FORMATS[format], (items) => keyedRows(ctx, items))
    : streamExport(ctx, filters, format, FORMATS[format], async (items) => items);
}

/** The export as a stream pulled chunk by chunk: a keyset page of the list, loaded, then written. */
function streamExport<T>(
  ctx: Ctx,
  filters: SubscriberFilters,
  format: ExportFormat,
  shape: Shape<T>,
  load: (items: SubscriberRow[]) => Promise<T[]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before: string | undefined;
  let started = false;
  let rows = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(shape.head));
        }
        const page = await subscriberPage(ctx, filters, before, EXPORT_CHUNK);
        if (page.items.length) controller.enqueue(encoder.encode(shape.rows(await load(page.items), rows === 0)));
        rows += page.items.length;
        if (page.nextBefore) {
          before = page.nextBefore;
        } else {
          ctx.log.info('subscriber.export.done', { rows, format });
          const tail = shape.tail(rows);
          if (tail) controller.enqueue(encoder.encode(tail));
          controller.close();
        }
      } catch (e) {
        ctx.log.error('subscriber.export.failed', { rows, err: e });
        controller.error(e);
      }
    },
  });
}
