import { API_BODY_LIMITS } from '@/server/api/limits';
import { apiRoute } from '@/server/http';
import { storeDelete, storeRead, storeWrite } from '@/server/store/pushbox';

export const dynamic = 'force-dynamic';

type Params = { subscriptionId: string };

/** POST {"ttl","data"} → 201 {"index"}. */
export const POST = apiRoute<Params>(
  'POST /api/v1/store/{subscriptionId}',
  async ({ ctx, params, body }) => Response.json(await storeWrite(ctx, params.subscriptionId, body), { status: 201 }),
  { body: API_BODY_LIMITS.store },
);

/** GET ?index=&limit= → {"last","index","messages":[{"index","data"}]}. */
export const GET = apiRoute<Params>('GET /api/v1/store/{subscriptionId}', async ({ ctx, req, params }) => {
  const url = new URL(req.url);
  const page = await storeRead(ctx, params.subscriptionId, {
    index: url.searchParams.get('index') ?? undefined,
    limit: url.searchParams.get('limit') ?? undefined,
  });
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});

/** DELETE → 204: everything stored for the subscription. */
export const DELETE = apiRoute<Params>('DELETE /api/v1/store/{subscriptionId}', async ({ ctx, params }) => {
  await storeDelete(ctx, params.subscriptionId);
  return new Response(null, { status: 204 });
});
