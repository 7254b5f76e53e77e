import { listApiCampaigns } from '@/server/api/campaigns';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/campaigns?limit=&cursor= → {"campaigns":[…],"nextCursor"}: this key's campaigns, newest first. */
export const GET = apiRoute('GET /api/v1/campaigns', async ({ ctx, req }) => {
  const url = new URL(req.url);
  const page = await listApiCampaigns(ctx, { limit: url.searchParams.get('limit') ?? undefined, cursor: url.searchParams.get('cursor') ?? undefined });
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});
