/**
 * Sending one message to a set of subscriptions, each with the VAPID key it was made with
 * (push services bind a subscription to its applicationServerKey; another key gets 403).
 * The "send a test" action goes through here. The campaign engine sends through the same
 * process-wide PushSender (`processSender()`), reaching it through its Messenger seam
 * (server/delivery/messenger.ts) with rows it claimed itself.
 */
import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db';
import { subscriptions } from '../../db/schema';
import { config } from '../../lib/env';
import { configuredAllowlist } from '../../lib/push/allowlist';
import { PushSender, type PushMessage, type SendResult } from '../../lib/push/sender';
import { Keyring } from '../vapid/keys';

export interface Recipient {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  vapidKeyId: string | null;
}

/** Runs `fn` over `items` with at most `limit` in flight, preserving nothing but completion. */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export async function sendToRecipients(
  deps: { keyring: Keyring; sender: PushSender },
  recipients: Recipient[],
  message: PushMessage | ((r: Recipient) => PushMessage),
  concurrency = 50,
): Promise<Map<string, SendResult>> {
  const signers = await deps.keyring.signers(recipients.flatMap((r) => (r.vapidKeyId ? [r.vapidKeyId] : [])));
  const results = new Map<string, SendResult>();
  await eachLimited(recipients, concurrency, async (r) => {
    const signer = r.vapidKeyId ? signers.get(r.vapidKeyId) : undefined;
    if (!signer) {
      results.set(r.id, {
        outcome: 'rejected',
        status: null,
        pushService: hostOf(r.endpoint),
        latencyMs: 0,
        reason: 'The VAPID key this subscription was made with no longer exists.',
      });
      return;
    }
    results.set(r.id, await deps.sender.send(r, typeof message === 'function' ? message(r) : message, signer));
  });
  return results;
}

/** 404/410: the subscription is gone for good; it is left out of every later send. */
export async function markExpired(db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db
    .update(subscriptions)
    .set({ status: 'expired', endedAt: new Date(), updatedAt: new Date() })
    .where(and(inArray(subscriptions.id, ids), eq(subscriptions.status, 'active')));
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return 'invalid';
  }
}

const g = globalThis as unknown as { __pushdeckSender?: PushSender };

/** The process's sender: one connection pool per push-service origin, shared by every send. */
export function processSender(): PushSender {
  g.__pushdeckSender ??= new PushSender({ allowlist: configuredAllowlist(), timeoutMs: config().PUSH_TIMEOUT_SECONDS * 1000 });
  return g.__pushdeckSender;
}
