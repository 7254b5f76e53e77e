import { API_BODY_LIMITS } from '@/server/api/limits';
import { deleteApiTopic, patchApiTopic } from '@/server/api/manage';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** PATCH /api/v1/topics/{slug} {any of "slug","name","description","isPublic"} → the topic (scope "manage"). */
export const PATCH = apiRoute<{ slug: string }>(
  'PATCH /api/v1/topics/{slug}',
  async ({ ctx, params, body }) => Response.json(await patchApiTopic(ctx, params.slug, body), { headers: { 'cache-control': 'no-store' } }),
  { body: API_BODY_LIMITS.topics },
);

/** DELETE /api/v1/topics/{slug} → 204; subscribers stay subscribed to their other topics (scope "manage"). */
export const DELETE = apiRoute<{ slug: string }>('DELETE /api/v1/topics/{slug}', async ({ ctx, params }) => {
  await deleteApiTopic(ctx, params.slug);
  return new Response(null, { status: 204 });
});
