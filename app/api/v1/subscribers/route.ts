import { listApiSubscribers } from '@/server/api/manage';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/subscribers?topic=&status=&pushService=&vapidKeyId=&createdFrom=&createdTo=&before=&limit=
 * → {"subscribers":[…],"nextBefore"} (scope "manage"): newest first, keyset-paged like the dashboard.
 */
export const GET = apiRoute('GET /api/v1/subscribers', async ({ ctx, req }) => {
  const query = Object.fromEntries(new URL(req.url).searchParams);
  return Response.json(await listApiSubscribers(ctx, query), { headers: { 'cache-control': 'no-store' } });
});
