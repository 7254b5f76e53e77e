import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { listApiCampaigns } from '@/server/api/campaigns';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/campaigns?limit=&cursor= → {"campaigns":[…],"nextCursor"}: this key's campaigns, newest first. */
export const GET = route('GET /api/v1/campaigns', async (req: Request) => {
  const ctx = await apiCtx(await getDb(), req);
  const url = new URL(req.url);
  const page = await listApiCampaigns(ctx, { limit: url.searchParams.get('limit') ?? undefined, cursor: url.searchParams.get('cursor') ?? undefined });
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});
