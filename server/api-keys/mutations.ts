/**
 * API keys (shown once, stored as an HMAC under a server-derived key) and the public keys that
 * verify notiflux-style signed tokens. Every change is audited.
 */
import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';
import { and, inArray, isNull } from 'drizzle-orm';
import { apiKeys, tokenKeys, topics, type ApiKey, type TokenKey } from '../../db/schema';
import { parseVerifyKey } from '../../lib/auth/jwt';
import { AppError, validationError } from '../../lib/errors';
import { deriveKey } from '../../lib/secrets';
import { recordAudit } from '../audit/record';
import { actorLabel, assertCan, inTx, type Ctx } from '../context';
import { idInProject } from '../projects/scope';
import { apiKeyIdSchema, createApiKeySchema, tokenKeySchema } from './schemas';
import { projectTopics } from '../topics/scope';

export const API_KEY_PREFIX = 'pd_';

export function hashApiKey(key: string): string {
  return createHmac('sha256', deriveKey('api-keys')).update(key).digest('base64url');
}

export type PublicApiKey = Omit<ApiKey, 'keyHash'>;
const view = (k: ApiKey): PublicApiKey => {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { keyHash, ...rest } = k;
  return rest;
};

/** Creates a key; the plaintext is returned this once and never again. */
export async function createApiKey(ctx: Ctx, input: unknown): Promise<{ key: string; apiKey: PublicApiKey }> {
  assertCan(ctx, 'api-keys.manage');
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { name, scopes, topicIds, expiresAt } = parsed.data;
  // The installation-level scope is the owner's to give.
  if (scopes.includes('admin')) assertCan(ctx, 'projects.manage');
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new AppError('validation_failed', 'The expiry must be in the future.', { fieldErrors: { expiresAt: ['The expiry must be in the future.'] } });
  }
  const unique = [...new Set(topicIds)];
  if (unique.length) {
    const found = await ctx.db
      .select({ id: topics.id })
      .from(topics)
      .where(and(projectTopics(ctx), inArray(topics.id, unique)));
    if (found.length !== unique.length)
      throw new AppError('validation_failed', 'A chosen topic no longer exists.', { fieldErrors: { topicIds: ['A chosen topic no longer exists.'] } });
  }
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(apiKeys)
      .values({
        projectId: ctx.project.id,
        name,
        prefix: key.slice(0, 11),
        keyHash: hashApiKey(key),
        scopes: [...new Set(scopes)],
        topicIds: unique.length ? unique : null,
        expiresAt,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        createdByLabel: actorLabel(ctx.actor),
      })
      .returning();
    await recordAudit(tx, {
      action: 'api-key.create',
      targetType: 'api-key',
      targetId: row!.id,
      targetLabel: name,
      after: { name, prefix: row!.prefix, scopes: row!.scopes, topicIds: row!.topicIds, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { key, apiKey: view(row!) };
  });
}

export async function revokeApiKey(ctx: Ctx, input: unknown): Promise<PublicApiKey> {
  assertCan(ctx, 'api-keys.manage');
  const parsed = apiKeyIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(idInProject(apiKeys, ctx, parsed.data.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw new AppError('not_found', 'No such key, or it is already revoked.');
    await recordAudit(tx, {
      action: 'api-key.revoke',
      targetType: 'api-key',
      targetId: row.id,
      targetLabel: row.name,
      before: { revoked: false },
      after: { revoked: true },
    });
    return view(row);
  });
}

export async function addTokenKey(ctx: Ctx, input: unknown): Promise<TokenKey> {
  assertCan(ctx, 'api-keys.manage');
  const parsed = tokenKeySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  let key;
  try {
    key = parseVerifyKey(parsed.data.publicKey);
  } catch (e) {
    throw new AppError('validation_failed', (e as Error).message, { fieldErrors: { publicKey: [(e as Error).message] } });
  }
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(tokenKeys)
      .values({
        projectId: ctx.project.id,
        name: parsed.data.name,
        publicKeyPem: key.pem,
        fingerprint: key.fingerprint,
        createdByLabel: actorLabel(ctx.actor),
      })
      .onConflictDoNothing({ target: tokenKeys.fingerprint })
      .returning();
    if (!row) {
      const msg = 'That key is already registered, here or in another project: a token key verifies tokens for one project only.';
      throw new AppError('conflict', msg, { fieldErrors: { publicKey: [msg] } });
    }
    await recordAudit(tx, {
      action: 'token-key.add',
      targetType: 'token-key',
      targetId: row.id,
      targetLabel: row.name,
      after: { name: row.name, fingerprint: row.fingerprint },
    });
    return row;
  });
}

export async function revokeTokenKey(ctx: Ctx, input: unknown): Promise<TokenKey> {
  assertCan(ctx, 'api-keys.manage');
  const parsed = apiKeyIdSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const [row] = await tx.db
      .update(tokenKeys)
      .set({ revokedAt: new Date() })
      .where(and(idInProject(tokenKeys, ctx, parsed.data.id), isNull(tokenKeys.revokedAt)))
      .returning();
    if (!row) throw new AppError('not_found', 'No such key, or it is already revoked.');
    await recordAudit(tx, {
      action: 'token-key.revoke',
      targetType: 'token-key',
      targetId: row.id,
      targetLabel: row.name,
      before: { revoked: false },
      after: { revoked: true },
    });
    return row;
  });
}
