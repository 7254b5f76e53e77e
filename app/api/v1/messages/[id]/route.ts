import { bearerOf } from '@/server/api/auth';
import { publicOptions, publicRoute } from '@/server/http';
import { readStoredMessage } from '@/server/store/messages';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/messages/{id} with the capability token from the push (`Authorization: Bearer
 * <token>` or `?token=`): the notification content delivered through the server. A site's own
 * service worker (the SDK's) reads it cross-origin, so it answers with the project's CORS; the
 * token is the capability, no cookie is involved.
 */
export const GET = publicRoute<{ id: string }>('GET /api/v1/messages/{id}', async ({ ctx, req, params }) => {
  const token = bearerOf(req) ?? new URL(req.url).searchParams.get('token');
  return Response.json(await readStoredMessage(ctx, params.id, token), { headers: { 'cache-control': 'private, no-store' } });
});

export const OPTIONS = publicOptions();
