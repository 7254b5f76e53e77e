import { getDb } from '@/db';
import { limitPublic, PUBLIC_CORS, readJson, route, withHeaders } from '@/server/http';
import { MAX_BODY_BYTES } from '@/server/subscriptions/schemas';
import { subscribe, unsubscribe } from '@/server/subscriptions/mutations';

export const dynamic = 'force-dynamic';

/**
 * POST: store a browser's PushSubscription with its topics. 201 when new, 200 when the endpoint
 * was known (topics replaced, keys updated); both answer `{"id","topics"}`.
 */
export const POST = route('POST /api/push/subscriptions', async (req: Request) => {
  limitPublic(req);
  const body = await readJson(req, MAX_BODY_BYTES);
  const result = await subscribe(await getDb(), body, { userAgent: req.headers.get('user-agent') });
  return withHeaders(Response.json({ id: result.id, topics: result.topics }, { status: result.created ? 201 : 200 }), PUBLIC_CORS);
}, { headers: PUBLIC_CORS });

/** DELETE `{"endpoint"}`: 204 whether or not the endpoint was known. */
export const DELETE = route('DELETE /api/push/subscriptions', async (req: Request) => {
  limitPublic(req);
  await unsubscribe(await getDb(), await readJson(req, MAX_BODY_BYTES));
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}, { headers: PUBLIC_CORS });

export function OPTIONS() {
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}
