import { publicOptions, publicRoute } from '@/server/http';
import { lookupSubscription } from '@/server/subscribers/subscribe';
import { MAX_BODY_BYTES } from '@/server/subscribers/subscribe-schemas';

export const dynamic = 'force-dynamic';

/**
 * POST `{"endpoint"}` → the subscription's status, topics and key, so a page can show a visitor
 * what they are subscribed to; 404 when the endpoint is not subscribed. The endpoint goes in the
 * body, not the URL: it is the browser's secret capability and should not land in access logs.
 */
export const POST = publicRoute(
  'POST /api/push/subscriptions/lookup',
  async ({ ctx, body }) => Response.json(await lookupSubscription(ctx, body), { headers: { 'cache-control': 'no-store' } }),
  { body: MAX_BODY_BYTES },
);

export const OPTIONS = publicOptions();
