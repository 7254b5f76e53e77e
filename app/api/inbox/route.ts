import { getDatabase } from '@/db';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { limitPublic, PUBLIC_CORS, route } from '@/server/http';
import { inboxHub } from '@/server/inbox/hub';
import { publicTopicIds, readInbox } from '@/server/inbox/queries';

export const dynamic = 'force-dynamic';

/** Long polls are answered before common keep-alive and proxy timeouts (30–60 s). */
const waitSeconds = () => config().INBOX_WAIT_SECONDS;

/**
 * GET /api/inbox?topics=a,b with If-None-Match: <etag> → holds the request until a newer
 * message for those topics exists or ~25 s pass, then 200 {messages, etag} with a new ETag, or
 * 304 with the same one. Without If-None-Match it answers at once.
 */
export const GET = route(
  'GET /api/inbox',
  async (req: Request) => {
    limitPublic(req);
    const url = new URL(req.url);
    const raw = url.searchParams.get('topics') ?? '';
    const slugs = [
      ...new Set(
        raw
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    if (slugs.length > 50 || slugs.some((s) => !/^[a-z0-9-]{1,64}$/.test(s))) {
      throw new AppError('bad_request', 'topics is a comma-separated list of at most 50 topic slugs (lowercase letters, digits and hyphens).');
    }
    const database = await getDatabase();
    const hub = inboxHub(database);
    await hub.start();
    const ids = await publicTopicIds(database.db, slugs);
    const since = req.headers.get('if-none-match');
    const deadline = Date.now() + waitSeconds() * 1000;
    const headers = { ...PUBLIC_CORS, 'cache-control': 'no-store', vary: 'if-none-match' };
    for (;;) {
      const inbox = await readInbox(database.db, ids);
      if (!since || since !== inbox.etag) {
        return Response.json({ messages: inbox.items, etag: inbox.etag }, { headers: { ...headers, etag: inbox.etag } });
      }
      const left = deadline - Date.now();
      if (left <= 0) return new Response(null, { status: 304, headers: { ...headers, etag: inbox.etag } });
      const why = await hub.wait(left, req.signal);
      if (why === 'aborted') return new Response(null, { status: 499, headers });
    }
  },
  { headers: PUBLIC_CORS },
);

export function OPTIONS() {
  return new Response(null, {
    status: 204,
    headers: { ...PUBLIC_CORS, 'access-control-allow-headers': 'content-type, if-none-match', 'access-control-expose-headers': 'etag' },
  });
}
