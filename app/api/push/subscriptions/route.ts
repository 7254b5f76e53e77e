import { getDb } from '@/db';
import { AppError } from '@/lib/errors';
import { authenticateToken } from '@/server/api/auth';
import { limitPublic, PUBLIC_CORS, readJson, route, withHeaders } from '@/server/http';
import { MAX_BODY_BYTES } from '@/server/subscribers/subscribe-schemas';
import { subscribe, unsubscribe } from '@/server/subscribers/subscribe';

export const dynamic = 'force-dynamic';

/**
 * POST: store a browser's PushSubscription with its topics. 201 when new, 200 when the endpoint
 * was known (topics replaced, keys updated); both answer `{"id","topics"}`.
 */
export const POST = route(
  'POST /api/push/subscriptions',
  async (req: Request) => {
    limitPublic(req);
    const db = await getDb();
    const body = await readJson(req, MAX_BODY_BYTES);
    // A signed token (scope "subscribe") may add the private topics it lists.
    const token = body && typeof body === 'object' ? (body as { token?: unknown }).token : undefined;
    let tokenTopics: string[] | undefined;
    if (token !== undefined) {
      if (typeof token !== 'string') throw new AppError('bad_request', 'token must be a string.');
      const actor = await authenticateToken(db, token);
      if (!actor.scopes.includes('subscribe')) throw new AppError('forbidden', 'This token does not have the "subscribe" scope.');
      tokenTopics = actor.topics;
    }
    const result = await subscribe(db, body, { userAgent: req.headers.get('user-agent'), tokenTopics });
    return withHeaders(Response.json({ id: result.id, topics: result.topics }, { status: result.created ? 201 : 200 }), PUBLIC_CORS);
  },
  { headers: PUBLIC_CORS },
);

/** DELETE `{"endpoint"}`: 204 whether or not the endpoint was known. */
export const DELETE = route(
  'DELETE /api/push/subscriptions',
  async (req: Request) => {
    limitPublic(req);
    await unsubscribe(await getDb(), await readJson(req, MAX_BODY_BYTES));
    return new Response(null, { status: 204, headers: PUBLIC_CORS });
  },
  { headers: PUBLIC_CORS },
);

export function OPTIONS() {
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}
