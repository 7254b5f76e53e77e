import { z } from 'zod';
import { getDb } from '@/db';
import { AppError } from '@/lib/errors';
import { apiCtx } from '@/server/api/auth';
import { sendApiNotification } from '@/server/api/notifications';
import { readJson, route } from '@/server/http';
import { topicTitle } from '@/server/topics/queries';

export const dynamic = 'force-dynamic';

const broadcastSchema = z.object({
  topic: z.string({ error: 'topic is required.' }).min(1).max(64),
  message: z.string({ error: 'message is required (a string).' }).min(1, 'message is empty.').max(4000, 'message is too long.'),
  token: z.string({ error: 'token is required.' }).min(1).max(8192),
});

/**
 * notiflux-compatible: POST /broadcast {"topic","message","token"} with a token of scope
 * "broadcast" whose `topics` include the topic. The message becomes the notification's text
 * (titled with the topic's name); a JSON message {"title","body","url"} is used as it is.
 */
export const POST = route('POST /broadcast', async (req: Request) => {
  const db = await getDb();
  const raw = await readJson(req, 16 * 1024);
  const parsed = broadcastSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid body.');
  const { topic, message, token } = parsed.data;
  const ctx = await apiCtx(db, req, token);
  if (ctx.actor.kind !== 'token') throw new AppError('unauthorized', '/broadcast takes a signed token in the body.');
  let content: { title?: string; body?: string; url?: string } = {};
  try {
    const j = JSON.parse(message) as unknown;
    if (j && typeof j === 'object' && !Array.isArray(j) && typeof (j as { title?: unknown }).title === 'string') content = j as typeof content;
  } catch {
    /* plain text */
  }
  const title = content.title ?? (await topicTitle(db, topic.trim().toLowerCase())) ?? topic;
  const r = await sendApiNotification(
    ctx,
    { topics: [topic], title, body: content.title ? content.body : message, url: content.url },
    req.headers.get('idempotency-key'),
  );
  return Response.json({ campaignId: r.campaignId, status: r.status, recipients: r.recipients }, { status: 202 });
});
