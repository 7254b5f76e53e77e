/**
 * Importing subscribers collected by an earlier setup (a `web-push` script, another self-hosted
 * tool): a JSON array of PushSubscription objects (each optionally with `topics`) or a CSV of
 * endpoint, p256dh, auth and topics, bound to the VAPID key those subscriptions were made with.
 *
 * Every row is judged exactly as the subscribe API judges a browser's request (the same zod
 * schema and `checkPushSubscription`: allowed push service, a key on P-256, a 16-byte auth), and
 * its topics must exist. The outcome is a report: each row accepted (new), updated, unchanged or
 * rejected, with the reason. A rejected row stores nothing; everything else is written in one
 * transaction with the audit row, so a failure midway leaves the database as it was.
 *
 * Idempotent: a row whose subscription is already stored with the same keys, key binding and
 * topics changes nothing, so importing a file twice changes nothing the second time. Topics in
 * the file are added to what a subscriber already has (never removed: a file without topics
 * must not strip the choices people made on the public page). Subscriptions that ended here —
 * the person unsubscribed, or the push service said the endpoint is gone — are not brought back.
 */
import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { subscriptions, subscriptionTopics, topics, vapidKeys, type Subscription } from '../../db/schema';
import { AppError, isAppError, validationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';
import { checkPushSubscription } from '../subscribers/subscribe';
import { pushSubscriptionSchemaFor, topicListSchema } from '../subscribers/subscribe-schemas';
import { IMPORT_MAX_ROWS, importSubscribersSchema, type ImportFormat } from './schemas';
import { checkImportText, csvCandidates, detectFormat, fileError, jsonCandidates, type Candidate } from './import-file';
import { idInProject, ofProject } from '../projects/scope';
import { projectTopics } from '../topics/scope';

export type ImportRowStatus = 'accepted' | 'updated' | 'unchanged' | 'rejected';

export interface ImportRowResult {
  /** CSV: the line the row starts on (the header is line 1). JSON: the entry's position, from 1. */
  row: number;
  status: ImportRowStatus;
  /** The subscriber's id (absent for rejected rows, and for new rows in a dry run). */
  id?: string;
  pushService?: string;
  /** Why a row was rejected, or what an update changed. */
  reason?: string;
}

export interface ImportReport {
  dryRun: boolean;
  format: ImportFormat;
  filename: string;
  vapidKey: { id: string; label: string };
  total: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Every row, in file order. Endpoints and keys never appear: they are capabilities. */
  rows: ImportRowResult[];
}

/** A row that passed validation. */
interface Valid {
  row: number;
  endpoint: string;
  host: string;
  p256dh: string;
  auth: string;
  expiresAt: Date | null;
  topicIds: string[];
  topicSlugs: string[];
}

const CHUNK = 500;
function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
const rowSchema = pushSubscriptionSchemaFor('');

/** Validates one row; returns the reason it is refused, or the normalised row. */
function validateRow(c: Candidate, topicBySlug: Map<string, string>): Valid | string {
  const parsed = rowSchema.safeParse(c.subscription);
  if (!parsed.success) return [...new Set(parsed.error.issues.map((i) => i.message))].join(' ');
  const topicList = topicListSchema.optional().safeParse(c.topics ?? undefined);
  if (!topicList.success) return [...new Set(topicList.error.issues.map((i) => i.message))].join(' ');
  let checked;
  try {
    checked = checkPushSubscription(parsed.data, '');
  } catch (e) {
    if (isAppError(e)) return e.message;
    throw e;
  }
  const slugs = [...new Set((topicList.data ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
  const unknown = slugs.filter((s) => !topicBySlug.has(s));
  if (unknown.length) return `Unknown topic${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Create ${unknown.length > 1 ? 'them' : 'it'} first.`;
  const exp = parsed.data.expirationTime;
  return {
    row: c.row,
    endpoint: parsed.data.endpoint,
    ...checked,
    expiresAt: typeof exp === 'number' ? new Date(exp) : null,
    topicIds: slugs.map((s) => topicBySlug.get(s)!),
    topicSlugs: slugs,
  };
}

/** The slugs mentioned anywhere in the file that exist, as slug → id (one query per 500). */
async function knownTopics(ctx: Ctx, candidates: Candidate[]): Promise<Map<string, string>> {
  const slugs = new Set<string>();
  for (const c of candidates) {
    if (Array.isArray(c.topics)) for (const t of c.topics) if (typeof t === 'string' && t.length <= 64) slugs.add(t.trim().toLowerCase());
  }
  const out = new Map<string, string>();
  for (const part of chunks([...slugs])) {
    for (const t of await ctx.db
      .select({ id: topics.id, slug: topics.slug })
      .from(topics)
      .where(and(projectTopics(ctx), inArray(topics.slug, part))))
      out.set(t.slug, t.id);
  }
  return out;
}

type Existing = Pick<Subscription, 'id' | 'endpoint' | 'p256dh' | 'auth' | 'vapidKeyId' | 'status' | 'expiresAt' | 'endedAt'> & { topicIds: Set<string> };

async function existingByEndpoint(ctx: Ctx, endpoints: string[], lock: boolean): Promise<Map<string, Existing>> {
  const out = new Map<string, Existing>();
  for (const part of chunks(endpoints)) {
    const q = ctx.db
      .select({
        id: subscriptions.id,
        endpoint: subscriptions.endpoint,
        p256dh: subscriptions.p256dh,
        auth: subscriptions.auth,
        vapidKeyId: subscriptions.vapidKeyId,
        status: subscriptions.status,
        expiresAt: subscriptions.expiresAt,
        endedAt: subscriptions.endedAt,
      })
      .from(subscriptions)
      .where(and(ofProject(subscriptions, ctx), inArray(subscriptions.endpoint, part)));
    // Locked when writing: a browser re-subscribing the same endpoint waits for the import.
    const rows = lock ? await q.for('update') : await q;
    if (!rows.length) continue;
    const memberships = await ctx.db
      .select({ subscriptionId: subscriptionTopics.subscriptionId, topicId: subscriptionTopics.topicId })
      .from(subscriptionTopics)
      .where(
        inArray(
          subscriptionTopics.subscriptionId,
          rows.map((r) => r.id),
        ),
      );
    const byId = new Map(rows.map((r) => [r.id, { ...r, topicIds: new Set<string>() }]));
    for (const m of memberships) byId.get(m.subscriptionId)?.topicIds.add(m.topicId);
    for (const r of byId.values()) out.set(r.endpoint, r);
  }
  return out;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : 'an earlier date');

/** What an update would change for an active subscription; empty when nothing. */
function changes(v: Valid, e: Existing, keyId: string, slugOf: Map<string, string>): string[] {
  const out: string[] = [];
  if (v.p256dh !== e.p256dh || v.auth !== e.auth) out.push('new encryption keys');
  if (e.vapidKeyId !== keyId) out.push('now bound to the chosen VAPID key');
  if (v.expiresAt && v.expiresAt.getTime() !== e.expiresAt?.getTime()) out.push('new expiry time');
  const added = v.topicIds.filter((t) => !e.topicIds.has(t));
  if (added.length) out.push(`topics added: ${added.map((t) => slugOf.get(t)).join(', ')}`);
  return out;
}

export async function importSubscribers(ctx: Ctx, input: unknown): Promise<ImportReport> {
  assertCan(ctx, 'subscribers.manage');
  const parsed = importSubscribersSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const { vapidKeyId, content, filename, dryRun } = parsed.data;
  checkImportText(content);
  const format = detectFormat(content, filename, parsed.data.format);

  const [key] = await ctx.db
    .select({ id: vapidKeys.id, name: vapidKeys.name, publicKey: vapidKeys.publicKey })
    .from(vapidKeys)
    .where(idInProject(vapidKeys, ctx, vapidKeyId));
  if (!key) {
    throw new AppError('validation_failed', 'That VAPID key does not exist. Import the key the subscriptions were made with first.', {
      fieldErrors: { vapidKeyId: ['That VAPID key does not exist.'] },
    });
  }
  const candidates = format === 'json' ? jsonCandidates(content) : csvCandidates(content);
  if (candidates.length === 0) throw fileError('The file has no subscriptions in it.');
  if (candidates.length > IMPORT_MAX_ROWS)
    throw fileError(`The file has ${candidates.length} rows; import at most ${IMPORT_MAX_ROWS} at a time (split the file).`);

  const topicBySlug = await knownTopics(ctx, candidates);
  const slugOf = new Map([...topicBySlug].map(([slug, id]) => [id, slug]));
  const results: ImportRowResult[] = [];
  const valid: Valid[] = [];
  const firstRowOf = new Map<string, number>();
  for (const c of candidates) {
    const v = validateRow(c, topicBySlug);
    if (typeof v === 'string') {
      results.push({ row: c.row, status: 'rejected', reason: v });
    } else if (firstRowOf.has(v.endpoint)) {
      results.push({ row: c.row, status: 'rejected', pushService: v.host, reason: `Same endpoint as row ${firstRowOf.get(v.endpoint)}.` });
    } else {
      firstRowOf.set(v.endpoint, v.row);
      valid.push(v);
    }
  }

  const run = async (tx: Ctx): Promise<ImportRowResult[]> => {
    const write = !dryRun;
    const existing = await existingByEndpoint(
      tx,
      valid.map((v) => v.endpoint),
      write,
    );
    const out: ImportRowResult[] = [];
    const fresh: (Valid & { id: string })[] = [];
    const updates: { v: Valid; e: Existing; result: ImportRowResult }[] = [];
    for (const v of valid) {
      const e = existing.get(v.endpoint);
      if (!e) {
        const id = uuidv7();
        fresh.push({ ...v, id });
        out.push({ row: v.row, status: 'accepted', pushService: v.host, ...(write ? { id } : {}) });
      } else if (e.status !== 'active') {
        const why =
          e.status === 'unsubscribed'
            ? `This subscriber unsubscribed on ${day(e.endedAt)}; an import does not subscribe them again.`
            : `The push service reported this subscription gone on ${day(e.endedAt)}; it cannot receive notifications any more.`;
        out.push({ row: v.row, status: 'rejected', id: e.id, pushService: v.host, reason: why });
      } else {
        const diff = changes(v, e, key.id, slugOf);
        const result: ImportRowResult = diff.length
          ? { row: v.row, status: 'updated', id: e.id, pushService: v.host, reason: diff.join('; ') }
          : { row: v.row, status: 'unchanged', id: e.id, pushService: v.host };
        out.push(result);
        if (diff.length) updates.push({ v, e, result });
      }
    }
    if (!write) return out;

    for (const part of chunks(fresh)) {
      const inserted = await tx.db
        .insert(subscriptions)
        .values(
          part.map((v) => ({
            id: v.id,
            projectId: tx.project.id,
            endpoint: v.endpoint,
            p256dh: v.p256dh,
            auth: v.auth,
            vapidKeyId: key.id,
            pushService: v.host,
            expiresAt: v.expiresAt,
          })),
        )
        .onConflictDoNothing({ target: [subscriptions.projectId, subscriptions.endpoint] })
        .returning({ id: subscriptions.id });
      if (inserted.length !== part.length) {
        // A browser subscribed one of these endpoints after we looked (its row was not there to lock).
        const ok = new Set(inserted.map((r) => r.id));
        for (const v of part) {
          if (ok.has(v.id)) continue;
          const r = out.find((x) => x.id === v.id)!;
          Object.assign(r, {
            status: 'rejected',
            reason: 'This endpoint subscribed at the same moment through the public API; import the file again to update it.',
          });
          delete r.id;
          v.topicIds = [];
        }
      }
    }
    const now = new Date();
    for (const { v, e } of updates) {
      await tx.db
        .update(subscriptions)
        .set({ p256dh: v.p256dh, auth: v.auth, vapidKeyId: key.id, expiresAt: v.expiresAt ?? e.expiresAt, updatedAt: now })
        .where(and(idInProject(subscriptions, tx, e.id), eq(subscriptions.status, 'active')));
    }
    const links = [
      ...fresh.flatMap((v) => v.topicIds.map((topicId) => ({ subscriptionId: v.id, topicId }))),
      ...updates.flatMap(({ v, e }) => v.topicIds.filter((t) => !e.topicIds.has(t)).map((topicId) => ({ subscriptionId: e.id, topicId }))),
    ];
    for (const part of chunks(links, 1000)) await tx.db.insert(subscriptionTopics).values(part).onConflictDoNothing();
    return out;
  };

  const keyLabel = key.name || `Key ${key.publicKey.slice(0, 10)}…`;
  const report = (rows: ImportRowResult[]): ImportReport => {
    const all = [...results, ...rows].sort((a, b) => a.row - b.row);
    const n = (s: ImportRowStatus) => all.filter((r) => r.status === s).length;
    return {
      dryRun,
      format,
      filename,
      vapidKey: { id: key.id, label: keyLabel },
      total: all.length,
      accepted: n('accepted'),
      updated: n('updated'),
      unchanged: n('unchanged'),
      rejected: n('rejected'),
      rows: all,
    };
  };

  if (dryRun) return report(await run(ctx));
  return inTx(ctx, async (tx) => {
    const r = report(await run(tx));
    if (r.accepted || r.updated) {
      await recordAudit(tx, {
        action: 'subscriber.import',
        targetType: 'subscriber',
        targetLabel: filename || `${format.toUpperCase()} import`,
        after: { format, vapidKeyId: key.id, total: r.total, accepted: r.accepted, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected },
      });
    }
    ctx.log.info('subscriber.import', { format, total: r.total, accepted: r.accepted, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected });
    return r;
  });
}
