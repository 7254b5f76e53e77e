/**
 * GET /api/inbox's long poll: answers at once when the caller has no ETag or an older one,
 * otherwise holds the request until a newer message for its topics is published (the hub wakes
 * it), the wait runs out, or the client goes away.
 */
import 'server-only';
import { getDatabase } from '../../db';
import { config } from '../../lib/env';
import { AppError } from '../../lib/errors';
import type { Ctx } from '../context';
import { inboxHub, type InboxHub } from './hub';
import { publicTopicIds, readInbox, type InboxItem } from './queries';

export type InboxAnswer = { kind: 'changed'; etag: string; messages: InboxItem[] } | { kind: 'unchanged'; etag: string } | { kind: 'aborted' };

/** `a,b,c` → unique lowercase slugs; `bad_request` for more than 50 or a malformed one. */
export function parseInboxTopics(raw: string | null): string[] {
  const slugs = [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (slugs.length > 50 || slugs.some((s) => !/^[a-z0-9-]{1,64}$/.test(s))) {
    throw new AppError('bad_request', 'topics is a comma-separated list of at most 50 topic slugs (lowercase letters, digits and hyphens).');
  }
  return slugs;
}

/** The process's hub, listening (one LISTEN per process). */
async function listeningHub(): Promise<InboxHub> {
  const hub = inboxHub(await getDatabase());
  await hub.start();
  return hub;
}

export async function pollInbox(ctx: Ctx, input: { topics: string | null; since: string | null; signal?: AbortSignal }): Promise<InboxAnswer> {
  const slugs = parseInboxTopics(input.topics);
  const hub = await listeningHub();
  const ids = await publicTopicIds(ctx, slugs);
  // Long polls are answered before common keep-alive and proxy timeouts (30–60 s).
  const deadline = Date.now() + config().INBOX_WAIT_SECONDS * 1000;
  for (;;) {
    const inbox = await readInbox(ctx, ids);
    if (!input.since || input.since !== inbox.etag) return { kind: 'changed', etag: inbox.etag, messages: inbox.items };
    const left = deadline - Date.now();
    if (left <= 0) return { kind: 'unchanged', etag: inbox.etag };
    if ((await hub.wait(left, input.signal)) === 'aborted') return { kind: 'aborted' };
  }
}
