import { deleteApiSubscriber } from '@/server/api/manage';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** DELETE /api/v1/subscribers/{id} → 204: the subscription, its topics and its delivery history (scope "manage"). */
export const DELETE = apiRoute<{ id: string }>('DELETE /api/v1/subscribers/{id}', async ({ ctx, params }) => {
  await deleteApiSubscriber(ctx, params.id);
  return new Response(null, { status: 204 });
});
