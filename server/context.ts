/**
 * The context every service function receives: who is acting, on which database, with which
 * logger. Services check permissions themselves (`assertCan`) so no caller can skip it.
 */
import type { Db } from '../db';
import { AppError } from '../lib/errors';
import { can, PERMISSIONS, type Permission, type Role } from '../lib/auth/roles';
import { logger as rootLogger, type Logger } from '../lib/logger';

export type Actor =
  | { kind: 'user'; id: string; email: string; name: string; role: Role }
  /** The command line and first-run setup: trusted, audited under their label. */
  | { kind: 'system'; label: 'cli' | 'setup' | 'system' | 'worker' }
  | { kind: 'api-key'; id: string; name: string; topics: string[] | null; scopes: string[] };

export interface Ctx {
  db: Db;
  actor: Actor;
  ip?: string | null;
  log: Logger;
}

export function makeCtx(db: Db, actor: Actor, extra: { ip?: string | null; log?: Logger } = {}): Ctx {
  const who = actor.kind === 'user' ? actor.email : actor.kind === 'system' ? actor.label : `api-key:${actor.name}`;
  return { db, actor, ip: extra.ip ?? null, log: extra.log ?? rootLogger.child({ actor: who }) };
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.email;
    case 'system':
      return actor.label;
    case 'api-key':
      return `api-key:${actor.name}`;
  }
}

export function actorRole(actor: Actor): Role | null {
  if (actor.kind === 'user') return actor.role;
  if (actor.kind === 'system') return 'owner';
  return null;
}

/** Throws `forbidden` unless the actor holds `permission`. API keys are checked by scope elsewhere. */
export function assertCan(ctx: Ctx, permission: Permission): void {
  if (!can(actorRole(ctx.actor), permission)) {
    throw new AppError('forbidden', `This needs the ${PERMISSIONS[permission]} role or higher.`);
  }
}

/** Transactions: same interface as the database handle. */
export async function inTx<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx as unknown as Db }));
}
