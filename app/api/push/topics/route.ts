import { publicRoute } from '@/server/http';
import { listPublicTopics } from '@/server/topics/queries';

export const dynamic = 'force-dynamic';

/** The public topics visitors can choose: `{"topics":[{"slug","name","description"}]}`. Cacheable, so not rate-limited. */
export const GET = publicRoute(
  'GET /api/push/topics',
  async ({ ctx }) => Response.json({ topics: await listPublicTopics(ctx) }, { headers: { 'cache-control': 'public, max-age=30' } }),
  { limit: false },
);
