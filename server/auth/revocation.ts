/**
 * Signing out ends the session on the server, not only in the browser: each sign-in gets a random
 * session id in its (stateless) JWT, and signing out records that id here until the moment the
 * cookie would have expired anyway. Session resolution refuses a recorded id in the same query
 * that reads the user (server/users/queries.ts), so a copied cookie stops working at once.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { revokedSessions, tokenUses } from '../../db/schema';

export function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}

/** Records a signed-out session; `expiresAt` is when its cookie would have stopped working. */
export async function revokeSession(db: Db, sid: string, expiresAt: Date): Promise<void> {
  await db.insert(revokedSessions).values({ sid, expiresAt }).onConflictDoNothing();
}

/** Housekeeping: ids whose cookies have expired need no record. */
export async function pruneRevokedSessions(db: Db): Promise<number> {
  const gone = await db
    .delete(revokedSessions)
    .where(lt(revokedSessions.expiresAt, sql`now()`))
    .returning({ sid: revokedSessions.sid });
  return gone.length;
}

/** Housekeeping: a spent token id needs no record once the token itself has expired. */
export async function pruneTokenUses(db: Db): Promise<number> {
  const gone = await db
    .delete(tokenUses)
    .where(lt(tokenUses.expiresAt, sql`now()`))
    .returning({ jti: tokenUses.jti });
  return gone.length;
}
