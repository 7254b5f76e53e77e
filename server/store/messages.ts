/**
 * Content delivered through the server: notifications that do not fit one push (or whose sender
 * asked for it). The campaign's content is stored once, with an expiry; each push carries the
 * message id and a capability token (an HMAC of the id under a server-derived key), and the
 * service worker fetches the content with them. Expired records are collected by housekeeping.
 */
import 'server-only';
import { isId } from '../../lib/params';
import type { DbCtx } from '../context';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { campaigns, messages, storeMessages } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { deriveKey } from '../../lib/secrets';

let key: Buffer | undefined;
export function messageToken(messageId: string): string {
  key ??= deriveKey('message-token');
  return createHmac('sha256', key).update(messageId).digest().subarray(0, 16).toString('base64url');
}

function tokenMatches(messageId: string, token: string): boolean {
  const expected = Buffer.from(messageToken(messageId), 'base64url');
  const given = Buffer.from(token, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How long stored content outlives the campaign's TTL (devices come online late; clocks differ). */
const GRACE_SECONDS = 3600;

/** Stores a campaign's content for delivery through the server; returns the message id. */
export async function storeCampaignContent(db: Db, campaignId: string, content: unknown, ttlSeconds: number): Promise<string> {
  const [row] = await db
    .insert(messages)
    .values({
      // In the campaign's project (the engine stores it, acting for whichever project sends).
      projectId: sql`(select ${campaigns.projectId} from ${campaigns} where ${campaigns.id} = ${campaignId})`,
      campaignId,
      content,
      expiresAt: sql`now() + make_interval(secs => ${Math.max(ttlSeconds, 600) + GRACE_SECONDS})`,
    })
    .returning({ id: messages.id });
  return row!.id;
}

/**
 * The content behind a pointer: 401 without a token, 403 with a wrong one, 404 once expired. The
 * capability token is the scope here: it opens exactly one message, whichever project's worker asks.
 */
export async function readStoredMessage({ db }: DbCtx, id: string, token: string | null): Promise<unknown> {
  if (!token) throw new AppError('unauthorized', 'A message token is required.');
  if (!isId(id) || !tokenMatches(id, token)) throw new AppError('forbidden', 'That token does not open this message.');
  const [row] = await db
    .select({ content: messages.content })
    .from(messages)
    .where(and(eq(messages.id, id), gt(messages.expiresAt, sql`now()`)));
  if (!row) throw new AppError('not_found', 'This message has expired or does not exist.');
  return row.content;
}

/** Housekeeping: deletes expired stored content and expired pushbox-style store records. */
export async function collectExpiredMessages(db: Db): Promise<{ messages: number; store: number }> {
  const a = await db
    .delete(messages)
    .where(lt(messages.expiresAt, sql`now()`))
    .returning({ id: messages.id });
  const b = await db
    .delete(storeMessages)
    .where(lt(storeMessages.expiresAt, sql`now()`))
    .returning({ idx: storeMessages.idx });
  return { messages: a.length, store: b.length };
}
