import { getApiCampaign } from '@/server/api/campaigns';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/campaigns/{id} → status, counts and receipts of a campaign this key created. */
export const GET = apiRoute<{ id: string }>('GET /api/v1/campaigns/{id}', async ({ ctx, params }) =>
  Response.json(await getApiCampaign(ctx, params.id), { headers: { 'cache-control': 'no-store' } }),
);
