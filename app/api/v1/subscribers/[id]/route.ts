import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { deleteApiSubscriber } from '@/server/api/manage';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** DELETE /api/v1/subscribers/{id} → 204: the subscription, its topics and its delivery history (scope "manage"). */
export const DELETE = route('DELETE /api/v1/subscribers/{id}', async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const ctx = await apiCtx(await getDb(), req);
  const { id } = await params;
  await deleteApiSubscriber(ctx, id);
  return new Response(null, { status: 204 });
});
