/**
 * Who is calling the programmatic API: `Authorization: Bearer <API key>` or
 * `Bearer <signed token>` (notiflux format). Every failure is a 401 with a message saying which
 * check failed; scope and topic limits are 403s decided by the services.
 */
import 'server-only';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db';
import { apiKeys, projects, tokenKeys } from '../../db/schema';
import { TokenError, verifyToken, type VerifyKey } from '../../lib/auth/jwt';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { clientIp } from '../../lib/http/client-ip';
import { TokenBuckets } from '../../lib/http/rate-limit';
import { createPublicKey } from 'node:crypto';
import { requestedProject, resolveProject } from '../projects/resolve';
import { DEFAULT_PROJECT, makeCtx, type Actor, type Ctx, type ProjectRef } from '../context';
import { API_KEY_PREFIX, hashApiKey } from '../api-keys/mutations';
import { environmentTokenKey } from '../api-keys/queries';

/** A caller and the one project its key or token acts in. */
export interface Caller<A extends Actor = Actor> {
  actor: A;
  project: ProjectRef;
}

export async function authenticateApiKey(db: Db, key: string): Promise<Caller<Extract<Actor, { kind: 'api-key' }>>> {
  const [found] = await db
    .select({ key: apiKeys, project: { id: projects.id, slug: projects.slug } })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .where(eq(apiKeys.keyHash, hashApiKey(key)));
  const row = found?.key;
  if (!row) throw new AppError('unauthorized', 'Unknown API key.');
  if (row.revokedAt) throw new AppError('unauthorized', 'This API key has been revoked.');
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new AppError('unauthorized', 'This API key has expired.');
  // Last-used time, at most one write a minute per key.
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(Date.now() - 60_000)))));
  const actor = { kind: 'api-key' as const, id: row.id, name: row.name, topicIds: row.topicIds, scopes: row.scopes };
  return { actor, project: found.project };
}

/** A key that verifies signed tokens, and the project those tokens act in. */
export type ProjectVerifyKey = VerifyKey & { project: ProjectRef };

/**
 * Trusted token keys: those added in the dashboard (not revoked), each in its project, and
 * JWT_PUBLIC_KEY_B64, which acts in the default project.
 */
export async function tokenVerifyKeys(db: Db): Promise<ProjectVerifyKey[]> {
  const rows = await db
    .select({ fingerprint: tokenKeys.fingerprint, pem: tokenKeys.publicKeyPem, project: { id: projects.id, slug: projects.slug } })
    .from(tokenKeys)
    .innerJoin(projects, eq(projects.id, tokenKeys.projectId))
    .where(isNull(tokenKeys.revokedAt));
  const keys: ProjectVerifyKey[] = rows.map((r) => ({ id: r.fingerprint, key: createPublicKey(r.pem), project: r.project }));
  const env = environmentTokenKey();
  if (env && !keys.some((k) => k.id === env.fingerprint)) keys.push({ id: env.fingerprint, key: env.key, project: DEFAULT_PROJECT });
  return keys;
}

export async function authenticateToken(db: Db, token: string): Promise<Caller<Extract<Actor, { kind: 'token' }>>> {
  const keys = await tokenVerifyKeys(db);
  try {
    const { claims, keyId } = verifyToken(token, keys, { maxLifetimeSeconds: config().TOKEN_MAX_LIFETIME_SECONDS });
    // Tokens speak notiflux's two scopes: "broadcast" is our "send", "subscribe" stays as it is.
    // Anything else a token claims ("manage", "send", …) grants nothing: administration needs an API key.
    const scopes = [...new Set(claims.scope.flatMap((s) => (s === 'broadcast' ? ['send'] : s === 'subscribe' ? ['subscribe'] : [])))];
    const actor = {
      kind: 'token' as const,
      fingerprint: keyId,
      subject: claims.sub ?? null,
      topics: claims.topics,
      scopes,
      jti: claims.jti ?? null,
      expiresAt: claims.exp,
    };
    return { actor, project: keys.find((k) => k.id === keyId)!.project };
  } catch (e) {
    if (e instanceof TokenError) throw new AppError('unauthorized', e.message, { cause: e });
    throw e;
  }
}

/** Reads `Authorization: Bearer …` (or a token passed in the body, as /broadcast does). */
export async function authenticateBearer(db: Db, credential: string | null | undefined): Promise<Caller> {
  if (!credential) throw new AppError('unauthorized', 'Send an API key or a signed token: Authorization: Bearer <key or token>.');
  if (credential.startsWith(API_KEY_PREFIX)) return authenticateApiKey(db, credential);
  if (credential.split('.').length === 3) return authenticateToken(db, credential);
  throw new AppError('unauthorized', 'That is neither an API key nor a signed token.');
}

export function bearerOf(req: Request): string | null {
  const h = req.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1]! : null;
}

let buckets: TokenBuckets | undefined;

/** Per API key / token signer. */
export function limitApi(actor: Actor): void {
  buckets ??= new TokenBuckets(config().API_RATE_PER_MINUTE);
  const who = actor.kind === 'api-key' ? `key:${actor.id}` : actor.kind === 'token' ? `token:${actor.fingerprint}` : 'other';
  const t = buckets.take(who);
  if (!t.ok) throw new AppError('rate_limited', 'Too many requests for this key. Slow down.', { retryAfter: t.retryAfter });
}

let failures: TokenBuckets | undefined;

/**
 * Failed authentications per client address: guessing keys or forging signatures gets a 429
 * after API_AUTH_FAILURES_PER_MINUTE, before any key is looked up or signature checked.
 */
async function authenticateLimited(db: Db, credential: string | null, ip: string | null): Promise<Caller> {
  failures ??= new TokenBuckets(config().API_AUTH_FAILURES_PER_MINUTE);
  const who = ip ?? 'unknown';
  const state = failures.peek(who);
  if (!state.ok)
    throw new AppError('rate_limited', 'Too many failed authentications from this address. Wait, then check the key or token.', {
      retryAfter: state.retryAfter,
    });
  try {
    return await authenticateBearer(db, credential);
  } catch (e) {
    // A missing credential guesses nothing; a wrong one counts.
    if (credential && e instanceof AppError && e.code === 'unauthorized') failures.take(who);
    throw e;
  }
}

/**
 * A key or token acts in its own project. A request may name the project it means (a check
 * against using the wrong key): another project's slug is a 403 that says so, an unknown one a 404.
 */
async function checkNamedProject(db: Db, caller: Caller, named: string | null): Promise<void> {
  if (!named || named === caller.project.slug) return;
  await resolveProject(db, named); // not_found for a project that does not exist
  throw new AppError('forbidden', `This key belongs to the project "${caller.project.slug}"; it cannot act in "${named}".`);
}

/** The context for a programmatic request: authenticated, rate-limited, in the key's project. */
export async function apiCtx(db: Db, req: Request, credential = bearerOf(req)): Promise<Ctx> {
  const ip = clientIp(req.headers);
  const caller = await authenticateLimited(db, credential, ip);
  limitApi(caller.actor);
  await checkNamedProject(db, caller, requestedProject(req));
  return makeCtx(db, caller.actor, { ip, project: caller.project });
}
