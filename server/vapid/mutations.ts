/**
 * VAPID key life cycle: generate or import (standby), activate (the previous active key retires),
 * retire, change contact, delete. Exactly one key is active; the partial unique index enforces
 * it even across processes.
 *
 * Rotation: a subscription is bound to the key it was made with and is always sent with that
 * key. A retired key keeps sending to its subscriptions until browsers re-subscribe with the new
 * one (the public page and service worker do this on their next visit / push); it can be deleted
 * once no active subscription uses it.
 */
import 'server-only';
import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../../db';
import { subscriptions, vapidKeys, type VapidKey } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { generateKeyPair, importKeyPair, KeyFormatError, type RawKeyPair } from '../../lib/push/p256';
import { uuidv7 } from '../../lib/ids';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, makeCtx, type Ctx } from '../context';
import { idInProject, ofProject } from '../projects/scope';
import { forgetActiveKeyCache, PLACEHOLDER_SUBJECT, sealPrivateKey } from './keys';
import { generateKeySchema, importKeySchema, keyIdSchema, updateKeySchema } from './schemas';
import { config } from '../../lib/env';

export type PublicVapidKey = Omit<VapidKey, 'privateKeyEnc'>;

function publicView(k: VapidKey): PublicVapidKey {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { privateKeyEnc, ...rest } = k;
  return rest;
}

const auditView = (k: VapidKey) => ({ name: k.name, publicKey: k.publicKey, subject: k.subject, status: k.status });

async function insertKey(tx: Ctx, pair: RawKeyPair, name: string, subject: string, activate: boolean, action: string): Promise<VapidKey> {
  const id = uuidv7();
  const [row] = await tx.db
    .insert(vapidKeys)
    .values({ id, projectId: tx.project.id, name, subject, publicKey: pair.publicKey, privateKeyEnc: sealPrivateKey(id, pair.privateKey) })
    .onConflictDoNothing({ target: vapidKeys.publicKey })
    .returning();
  if (!row) throw new AppError('conflict', 'That key is already here.', { fieldErrors: { privateKey: ['That key is already here.'] } });
  await recordAudit(tx, { action, targetType: 'vapid-key', targetId: row.id, targetLabel: row.name || row.publicKey.slice(0, 12), after: auditView(row) });
  return activate ? activateIn(tx, row.id) : row;
}

export async function generateVapidKey(ctx: Ctx, input: unknown): Promise<PublicVapidKey> {
  assertCan(ctx, 'vapid.manage');
  const parsed = generateKeySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { name, subject, activate } = parsed.data;
  return publicView(await inTx(ctx, (tx) => insertKey(tx, generateKeyPair(), name, subject, activate, 'vapid-key.generate')));
}

export async function importVapidKey(ctx: Ctx, input: unknown): Promise<PublicVapidKey> {
  assertCan(ctx, 'vapid.manage');
  const parsed = importKeySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { name, subject, publicKey, privateKey, activate } = parsed.data;
  let pair: RawKeyPair;
  try {
    pair = importKeyPair({ publicKey, privateKey });
  } catch (e) {
    if (e instanceof KeyFormatError) {
      const field = /public key/i.test(e.message) && !/private/i.test(e.message) ? 'publicKey' : 'privateKey';
      throw new AppError('validation_failed', e.message, { fieldErrors: { [field]: [e.message] } });
    }
    throw e;
  }
  return publicView(await inTx(ctx, (tx) => insertKey(tx, pair, name, subject, activate, 'vapid-key.import')));
}

/** The project's key `id`, locked for the change (not_found for another project's key). */
async function lockKey(tx: Ctx, id: string): Promise<VapidKey> {
  const [k] = await tx.db
    .select()
    .from(vapidKeys)
    .where(idInProject(vapidKeys, tx, id))
    .for('update');
  if (!k) throw new AppError('not_found', 'That key does not exist.');
  return k;
}

/** Makes `id` the active key inside `tx`; the project's previously active key retires. */
async function activateIn(tx: Ctx, id: string): Promise<VapidKey> {
  const target = await lockKey(tx, id);
  if (target.status === 'active') return target;
  const now = new Date();
  const retired = await tx.db
    .update(vapidKeys)
    .set({ status: 'retired', retiredAt: now, updatedAt: now })
    .where(and(ofProject(vapidKeys, tx), eq(vapidKeys.status, 'active'), ne(vapidKeys.id, id)))
    .returning();
  const [row] = await tx.db
    .update(vapidKeys)
    .set({ status: 'active', activatedAt: now, retiredAt: null, updatedAt: now })
    .where(idInProject(vapidKeys, tx, id))
    .returning();
  forgetActiveKeyCache();
  for (const r of retired) {
    await recordAudit(tx, {
      action: 'vapid-key.retire',
      targetType: 'vapid-key',
      targetId: r.id,
      targetLabel: r.name || r.publicKey.slice(0, 12),
      before: { status: 'active' },
      after: { status: 'retired' },
    });
  }
  await recordAudit(tx, {
    action: 'vapid-key.activate',
    targetType: 'vapid-key',
    targetId: id,
    targetLabel: row!.name || row!.publicKey.slice(0, 12),
    before: { status: target.status },
    after: { status: 'active' },
  });
  return row!;
}

export async function activateVapidKey(ctx: Ctx, input: unknown): Promise<PublicVapidKey> {
  assertCan(ctx, 'vapid.manage');
  const parsed = keyIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return publicView(await inTx(ctx, (tx) => activateIn(tx, parsed.data.id)));
}

export async function retireVapidKey(ctx: Ctx, input: unknown): Promise<PublicVapidKey> {
  assertCan(ctx, 'vapid.manage');
  const parsed = keyIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return publicView(
    await inTx(ctx, async (tx) => {
      const k = await lockKey(tx, parsed.data.id);
      if (k.status === 'active') throw new AppError('conflict', 'Activate another key first: visitors need an active key to subscribe.');
      if (k.status === 'retired') return k;
      const [row] = await tx.db
        .update(vapidKeys)
        .set({ status: 'retired', retiredAt: new Date(), updatedAt: new Date() })
        .where(idInProject(vapidKeys, tx, k.id))
        .returning();
      await recordAudit(tx, {
        action: 'vapid-key.retire',
        targetType: 'vapid-key',
        targetId: k.id,
        targetLabel: k.name || k.publicKey.slice(0, 12),
        before: { status: k.status },
        after: { status: 'retired' },
      });
      return row!;
    }),
  );
}

export async function updateVapidKey(ctx: Ctx, input: unknown): Promise<PublicVapidKey> {
  assertCan(ctx, 'vapid.manage');
  const parsed = updateKeySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { id, name, subject } = parsed.data;
  return publicView(
    await inTx(ctx, async (tx) => {
      const k = await lockKey(tx, id);
      const [row] = await tx.db
        .update(vapidKeys)
        .set({ name, subject, updatedAt: new Date() })
        .where(idInProject(vapidKeys, tx, id))
        .returning();
      await recordAudit(tx, {
        action: 'vapid-key.update',
        targetType: 'vapid-key',
        targetId: id,
        targetLabel: name || k.publicKey.slice(0, 12),
        before: { name: k.name, subject: k.subject },
        after: { name, subject },
      });
      return row!;
    }),
  );
}

export async function deleteVapidKey(ctx: Ctx, input: unknown): Promise<void> {
  assertCan(ctx, 'vapid.manage');
  const parsed = keyIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  await inTx(ctx, async (tx) => {
    const k = await lockKey(tx, parsed.data.id);
    if (k.status === 'active') throw new AppError('conflict', 'The active key cannot be deleted. Activate another key first.');
    // The FOR UPDATE above blocks subscription inserts that reference this key (they take
    // FOR KEY SHARE on it), so none can appear between this count and the delete.
    const [{ n }] = (await tx.db
      .select({ n: count() })
      .from(subscriptions)
      .where(and(ofProject(subscriptions, tx), eq(subscriptions.vapidKeyId, k.id), eq(subscriptions.status, 'active')))) as [{ n: number }];
    if (Number(n) > 0) {
      throw new AppError(
        'conflict',
        `${n} active subscription${Number(n) === 1 ? '' : 's'} still use this key. It can be deleted once they have moved to the active key.`,
      );
    }
    await tx.db.delete(vapidKeys).where(idInProject(vapidKeys, tx, k.id));
    await recordAudit(tx, {
      action: 'vapid-key.delete',
      targetType: 'vapid-key',
      targetId: k.id,
      targetLabel: k.name || k.publicKey.slice(0, 12),
      before: auditView(k),
    });
  });
}

/**
 * A new project's first key, active at once, inside the caller's transaction (in `tx.project`).
 * Returns null when another process made one first (the one-active index lets only one insert win).
 */
export async function createFirstKey(tx: Ctx, subject: string): Promise<VapidKey | null> {
  const pair = generateKeyPair();
  const id = uuidv7();
  const [row] = await tx.db
    .insert(vapidKeys)
    .values({
      id,
      projectId: tx.project.id,
      name: 'Default',
      subject,
      publicKey: pair.publicKey,
      privateKeyEnc: sealPrivateKey(id, pair.privateKey),
      status: 'active',
      activatedAt: new Date(),
    })
    .onConflictDoNothing()
    .returning();
  if (row) {
    await recordAudit(tx, { action: 'vapid-key.generate', targetType: 'vapid-key', targetId: id, targetLabel: 'Default', after: auditView(row) });
    logger.info('vapid.generated-default-key', { keyId: id, project: tx.project.slug });
  }
  return row ?? null;
}

/**
 * First start: make sure the default project has an active key so the public page works out of
 * the box. Safe to run from several processes at once (see createFirstKey).
 */
export async function ensureActiveVapidKey(db: Db, subject = config().VAPID_SUBJECT || PLACEHOLDER_SUBJECT): Promise<void> {
  const ctx = makeCtx(db, { kind: 'system', label: 'system' });
  const [existing] = await db
    .select({ id: vapidKeys.id })
    .from(vapidKeys)
    .where(and(ofProject(vapidKeys, ctx), eq(vapidKeys.status, 'active')));
  if (existing) return;
  const [any] = await db.select({ id: vapidKeys.id }).from(vapidKeys).where(ofProject(vapidKeys, ctx)).limit(1);
  if (any) {
    logger.warn('vapid.no-active-key', { hint: 'Activate a key on the VAPID keys page; visitors cannot subscribe until one is active.' });
    return;
  }
  await inTx(ctx, (tx) => createFirstKey(tx, subject));
}

/**
 * After first-run setup: a placeholder contact becomes the owner's address. Installation-wide on
 * purpose: it runs once, before anyone can have created a second project.
 */
export async function adoptOwnerContact(ctx: Ctx, email: string): Promise<void> {
  const subject = `mailto:${email}`;
  const changed = await ctx.db
    .update(vapidKeys)
    .set({ subject, updatedAt: new Date() })
    .where(eq(vapidKeys.subject, PLACEHOLDER_SUBJECT))
    .returning({ id: vapidKeys.id, name: vapidKeys.name });
  for (const k of changed) {
    await recordAudit(ctx, {
      action: 'vapid-key.update',
      targetType: 'vapid-key',
      targetId: k.id,
      targetLabel: k.name,
      before: { subject: PLACEHOLDER_SUBJECT },
      after: { subject },
    });
  }
}
