import { getDb } from '@/db';
import { limitPublic, route } from '@/server/http';
import { readStoredMessage } from '@/server/store/messages';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/messages/{id} with the capability token from the push (`Authorization: Bearer
 * <token>` or `?token=`): the notification content delivered through the server.
 */
export const GET = route('GET /api/v1/messages/{id}', async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  limitPublic(req);
  const { id } = await params;
  const auth = req.headers.get('authorization');
  const token = (auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1]) || new URL(req.url).searchParams.get('token');
  const content = await readStoredMessage(await getDb(), id, token);
  return Response.json(content, { headers: { 'cache-control': 'private, no-store' } });
});
