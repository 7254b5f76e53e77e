import { getDb } from '@/db';
import { AppError } from '@/lib/errors';
import { limitPublic, PUBLIC_CORS, readJson, route, withHeaders } from '@/server/http';
import { lookupSubscription } from '@/server/subscribers/subscribe';
import { MAX_BODY_BYTES } from '@/server/subscribers/subscribe-schemas';

export const dynamic = 'force-dynamic';

/**
 * POST `{"endpoint"}` → the subscription's status, topics and key, so a page can show a visitor
 * what they are subscribed to. The endpoint goes in the body, not the URL: it is the browser's
 * secret capability and should not land in access logs.
 */
export const POST = route(
  'POST /api/push/subscriptions/lookup',
  async (req: Request) => {
    limitPublic(req);
    const found = await lookupSubscription(await getDb(), await readJson(req, MAX_BODY_BYTES));
    if (!found) throw new AppError('not_found', 'This endpoint is not subscribed.');
    return withHeaders(Response.json(found), { ...PUBLIC_CORS, 'cache-control': 'no-store' });
  },
  { headers: PUBLIC_CORS },
);

export function OPTIONS() {
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}
