/**
 * The context every service function receives: who is acting (and from which address), on which
 * database, with which logger and job queue. Services check permissions themselves (`assertCan`)
 * so no caller can skip it. The projects issue adds `ctx.project` here, in one place.
 */
import type { Db } from '../db';
import { DEFAULT_PROJECT_ID, DEFAULT_PROJECT_SLUG } from '../db/schema';
import type { Boss } from '../lib/queue/boss';
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
  | { kind: 'token'; fingerprint: string; subject: string | null; topics: string[]; scopes: string[]; jti?: string | null; expiresAt?: number }
  /** A visitor on the public routes (subscribe, receipts, inbox): no permissions, known by address. */
  | { kind: 'public'; ip: string | null };

/** The project a request acts in: every query of a site's data names it in its WHERE. */
export interface ProjectRef {
  id: string;
  slug: string;
}

/** Until requests carry a project (the URL, the key), everything acts in the default one. */
export const DEFAULT_PROJECT: ProjectRef = Object.freeze({ id: DEFAULT_PROJECT_ID, slug: DEFAULT_PROJECT_SLUG });

/** The job queue a service enqueues on; opened on first use, so a read never starts the runtime. */
export type QueueHandle = () => Promise<Boss>;

/** The process's pg-boss, from the runtime (imported when first used: runtime imports the services). */
export const runtimeQueue: QueueHandle = async () => (await import('./runtime')).getRuntime().then((rt) => rt.boss);

export interface Ctx {
  db: Db;
  actor: Actor;
  ip?: string | null;
  log: Logger;
  queue: QueueHandle;
  project: ProjectRef;
}

/** What a service needs when it only reads or writes rows (no actor, no queue): the database and the project; a `Ctx` will do. */
export type DbCtx = Pick<Ctx, 'db' | 'project'>;

export function makeCtx(db: Db, actor: Actor, extra: { ip?: string | null; log?: Logger; queue?: QueueHandle; project?: ProjectRef } = {}): Ctx {
  const ip = extra.ip ?? (actor.kind === 'public' ? actor.ip : null);
  return {
    db,
    actor,
    ip,
    log: extra.log ?? rootLogger.child({ actor: actorLabel(actor) }),
    queue: extra.queue ?? runtimeQueue,
    project: extra.project ?? DEFAULT_PROJECT,
  };
}

/** A public route's caller. */
export function publicCtx(db: Db, ip: string | null = null): Ctx {
  return makeCtx(db, { kind: 'public', ip });
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
    case 'public':
      return `public:${actor.ip ?? 'unknown'}`;
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
