import { API_BODY_LIMITS } from '@/server/api/limits';
import { createApiTopic, listApiTopics } from '@/server/api/manage';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/topics → {"topics":[…]} (scope "manage"): every topic, private ones included, with active subscriber counts. */
export const GET = apiRoute('GET /api/v1/topics', async ({ ctx }) => Response.json(await listApiTopics(ctx), { headers: { 'cache-control': 'no-store' } }));

/** POST /api/v1/topics {"slug","name","description","isPublic"} → 201 the topic (scope "manage"). */
export const POST = apiRoute(
  'POST /api/v1/topics',
  async ({ ctx, body }) => Response.json(await createApiTopic(ctx, body), { status: 201, headers: { 'cache-control': 'no-store' } }),
  { body: API_BODY_LIMITS.topics },
);
