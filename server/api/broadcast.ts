/**
 * notiflux's POST /broadcast {"topic","message","token"}: a token of scope "broadcast" whose
 * `topics` include the topic sends one notification. The message becomes its text (titled with
 * the topic's name); a JSON message {"title","body","url"} is used as it is.
 */
import 'server-only';
import { z } from 'zod';
import { AppError, validationError } from '../../lib/errors';
import type { Ctx } from '../context';
import { topicTitle } from '../topics/queries';
import { sendApiNotification } from './notifications';

export const broadcastSchema = z.object({
  topic: z.string({ error: 'topic is required.' }).min(1).max(64),
  message: z.string({ error: 'message is required (a string).' }).min(1, 'message is empty.').max(4000, 'message is too long.'),
  token: z.string({ error: 'token is required.' }).min(1).max(8192),
});

export type BroadcastInput = z.infer<typeof broadcastSchema>;

/** Parses the body (validation_failed naming each field); its token is the credential. */
export function parseBroadcast(body: unknown): BroadcastInput {
  const parsed = broadcastSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message ?? 'Invalid body.');
  return parsed.data;
}

/** What a broadcast message says: a JSON object with a string title is content, anything else is text. */
export function broadcastContent(message: string): { title?: string; body?: string; url?: string } {
  try {
    const j = JSON.parse(message) as unknown;
    if (j && typeof j === 'object' && !Array.isArray(j) && typeof (j as { title?: unknown }).title === 'string') {
      return j as { title: string; body?: string; url?: string }; // the notification schema checks the rest
    }
  } catch {
    /* plain text */
  }
  return {};
}

export async function broadcast(ctx: Ctx, body: unknown, idempotencyKey: string | null) {
  if (ctx.actor.kind !== 'token') throw new AppError('unauthorized', '/broadcast takes a signed token in the body.');
  const { topic, message } = parseBroadcast(body);
  const content = broadcastContent(message);
  const title = content.title ?? (await topicTitle(ctx, topic.trim().toLowerCase())) ?? topic;
  return sendApiNotification(ctx, { topics: [topic], title, body: content.title ? content.body : message, url: content.url }, idempotencyKey);
}
