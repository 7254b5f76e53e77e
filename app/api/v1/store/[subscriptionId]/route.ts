import { API_BODY_LIMITS } from '@/server/api/limits';
import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { readJson, route } from '@/server/http';
import { storeDelete, storeRead, storeWrite } from '@/server/store/pushbox';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ subscriptionId: string }> };

/** POST {"ttl","data"} → 201 {"index"}. */
export const POST = route('POST /api/v1/store/{subscriptionId}', async (req: Request, { params }: Params) => {
  const db = await getDb();
  const ctx = await apiCtx(db, req);
  const { subscriptionId } = await params;
  const body = await readJson(req, API_BODY_LIMITS.store);
  return Response.json(await storeWrite(ctx, subscriptionId, body), { status: 201 });
});

/** GET ?index=&limit= → {"last","index","messages":[{"index","data"}]}. */
export const GET = route('GET /api/v1/store/{subscriptionId}', async (req: Request, { params }: Params) => {
  const ctx = await apiCtx(await getDb(), req);
  const { subscriptionId } = await params;
  const url = new URL(req.url);
  const page = await storeRead(ctx, subscriptionId, { index: url.searchParams.get('index') ?? undefined, limit: url.searchParams.get('limit') ?? undefined });
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});

/** DELETE → 204: everything stored for the subscription. */
export const DELETE = route('DELETE /api/v1/store/{subscriptionId}', async (req: Request, { params }: Params) => {
  const ctx = await apiCtx(await getDb(), req);
  const { subscriptionId } = await params;
  await storeDelete(ctx, subscriptionId);
  return new Response(null, { status: 204 });
});
