import { publicOptions, publicRoute } from '@/server/http';
import { MAX_BODY_BYTES } from '@/server/subscribers/subscribe-schemas';
import { subscribeBrowser, unsubscribe } from '@/server/subscribers/subscribe';

export const dynamic = 'force-dynamic';

/**
 * POST: store a browser's PushSubscription with its topics. 201 when new, 200 when the endpoint
 * was known (topics replaced, keys updated); both answer `{"id","topics"}`. A signed token
 * (scope "subscribe") in the body may add the private topics it lists.
 */
export const POST = publicRoute(
  'POST /api/push/subscriptions',
  async ({ ctx, req, body }) => {
    const result = await subscribeBrowser(ctx, body, req.headers.get('user-agent'));
    return Response.json({ id: result.id, topics: result.topics }, { status: result.created ? 201 : 200 });
  },
  { body: MAX_BODY_BYTES },
);

/** DELETE `{"endpoint"}`: 204 whether or not the endpoint was known. */
export const DELETE = publicRoute(
  'DELETE /api/push/subscriptions',
  async ({ ctx, body }) => {
    await unsubscribe(ctx, body);
    return new Response(null, { status: 204 });
  },
  { body: MAX_BODY_BYTES },
);

export const OPTIONS = publicOptions();
