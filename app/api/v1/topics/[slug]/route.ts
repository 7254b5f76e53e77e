import { API_BODY_LIMITS } from '@/server/api/limits';
import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { deleteApiTopic, patchApiTopic } from '@/server/api/manage';
import { readJson, route } from '@/server/http';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ slug: string }> };

/** PATCH /api/v1/topics/{slug} {any of "slug","name","description","isPublic"} → the topic (scope "manage"). */
export const PATCH = route('PATCH /api/v1/topics/{slug}', async (req: Request, { params }: Params) => {
  const ctx = await apiCtx(await getDb(), req);
  const { slug } = await params;
  const body = await readJson(req, API_BODY_LIMITS.topics);
  return Response.json(await patchApiTopic(ctx, slug, body), { headers: { 'cache-control': 'no-store' } });
});

/** DELETE /api/v1/topics/{slug} → 204; subscribers stay subscribed to their other topics (scope "manage"). */
export const DELETE = route('DELETE /api/v1/topics/{slug}', async (req: Request, { params }: Params) => {
  const ctx = await apiCtx(await getDb(), req);
  const { slug } = await params;
  await deleteApiTopic(ctx, slug);
  return new Response(null, { status: 204 });
});
