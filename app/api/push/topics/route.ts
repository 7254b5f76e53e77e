import { getDb } from '@/db';
import { PUBLIC_CORS, route, withHeaders } from '@/server/http';
import { listPublicTopics } from '@/server/topics/queries';

export const dynamic = 'force-dynamic';

/** The public topics visitors can choose: `{"topics":[{"slug","name","description"}]}`. */
export const GET = route(
  'GET /api/push/topics',
  async () => {
    const topics = await listPublicTopics(await getDb());
    return withHeaders(Response.json({ topics }), { ...PUBLIC_CORS, 'cache-control': 'public, max-age=30' });
  },
  { headers: PUBLIC_CORS },
);
