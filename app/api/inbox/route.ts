import { publicOptions, publicRoute, PUBLIC_CORS } from '@/server/http';
import { pollInbox } from '@/server/inbox/long-poll';

export const dynamic = 'force-dynamic';

const CORS = { ...PUBLIC_CORS, 'access-control-allow-headers': 'content-type, if-none-match', 'access-control-expose-headers': 'etag' };

/**
 * GET /api/inbox?topics=a,b with If-None-Match: <etag> → holds the request until a newer
 * message for those topics exists or ~25 s pass, then 200 {messages, etag} with a new ETag, or
 * 304 with the same one. Without If-None-Match it answers at once.
 */
export const GET = publicRoute('GET /api/inbox', async ({ ctx, req }) => {
  const answer = await pollInbox(ctx, { topics: new URL(req.url).searchParams.get('topics'), since: req.headers.get('if-none-match'), signal: req.signal });
  const headers = { 'cache-control': 'no-store', vary: 'if-none-match' };
  switch (answer.kind) {
    case 'changed':
      return Response.json({ messages: answer.messages, etag: answer.etag }, { headers: { ...headers, etag: answer.etag } });
    case 'unchanged':
      return new Response(null, { status: 304, headers: { ...headers, etag: answer.etag } });
    case 'aborted':
      return new Response(null, { status: 499, headers });
  }
});

export const OPTIONS = publicOptions(CORS);
