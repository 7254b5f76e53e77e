/**
 * The context every service function receives: who is acting, on which database, with which
 * logger. Services check permissions themselves (`assertCan`) so no caller can skip it.
 */
import type { Db } from '../db';
import { AppError } from '../lib/errors';
import { API_SCOPE_FOR, can, PERMISSIONS, type Permission, type Role } from '../lib/auth/roles';
import { logger as rootLogger, type Logger } from '../lib/logger';

export type Actor =
  | { kind: 'user'; id: string; email: string; name: string; role: Role }
  /** The command line and first-run setup: trusted, audited under their label. */
  | { kind: 'system'; label: 'cli' | 'setup' | 'system' | 'worker' }
  /** An API key: `topicIds` restricts the topics it may target (null = any). */
  | { kind: 'api-key'; id: string; name: string; topicIds: string[] | null; scopes: string[] }
  /** A notiflux-style signed token: its `topics` claim (slugs) bounds what it may do. */
  | { kind: 'token'; fingerprint: string; subject: string | null; topics: string[]; scopes: string[]; jti?: string | null; expiresAt?: number };

export interface Ctx {
  db: Db;
  actor: Actor;
  ip?: string | null;
  log: Logger;
}

export function makeCtx(db: Db, actor: Actor, extra: { ip?: string | null; log?: Logger } = {}): Ctx {
  return { db, actor, ip: extra.ip ?? null, log: extra.log ?? rootLogger.child({ actor: actorLabel(actor) }) };
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.email;
    case 'system':
      return actor.label;
    case 'api-key':
      return `api-key:${actor.name}`;
    case 'token':
      return `token:${actor.subject ?? actor.fingerprint.slice(0, 12)}`;
  }
}

/** The stable identity of a programmatic caller (scopes Idempotency-Key and campaign reads). */
export function apiPrincipal(actor: Actor): string | null {
  if (actor.kind === 'api-key') return `key:${actor.id}`;
  if (actor.kind === 'token') return `token:${actor.fingerprint}`;
  return null;
}

export function actorRole(actor: Actor): Role | null {
  if (actor.kind === 'user') return actor.role;
  if (actor.kind === 'system') return 'owner';
  return null;
}

/** Throws `forbidden` unless the actor holds `permission` (by role, or by scope for API callers). */
export function assertCan(ctx: Ctx, permission: Permission): void {
  const a = ctx.actor;
  if (a.kind === 'api-key' || a.kind === 'token') {
    const scope = API_SCOPE_FOR[permission];
    if (!scope || !a.scopes.includes(scope)) {
      throw new AppError('forbidden', scope ? `This needs a key with the "${scope}" scope.` : 'API keys cannot do this.');
    }
    return;
  }
  if (!can(actorRole(a), permission)) {
    throw new AppError('forbidden', `This needs the ${PERMISSIONS[permission]} role or higher.`);
  }
}

/** Transactions: same interface as the database handle. */
export async function inTx<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx as unknown as Db }));
}
