import { API_BODY_LIMITS } from '@/server/api/limits';
import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { createApiTopic, listApiTopics } from '@/server/api/manage';
import { readJson, route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/topics → {"topics":[…]} (scope "manage"): every topic, private ones included, with active subscriber counts. */
export const GET = route('GET /api/v1/topics', async (req: Request) => {
  const ctx = await apiCtx(await getDb(), req);
  return Response.json(await listApiTopics(ctx), { headers: { 'cache-control': 'no-store' } });
});

/** POST /api/v1/topics {"slug","name","description","isPublic"} → 201 the topic (scope "manage"). */
export const POST = route('POST /api/v1/topics', async (req: Request) => {
  const ctx = await apiCtx(await getDb(), req);
  const body = await readJson(req, API_BODY_LIMITS.topics);
  return Response.json(await createApiTopic(ctx, body), { status: 201, headers: { 'cache-control': 'no-store' } });
});
