import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { getApiCampaign } from '@/server/api/campaigns';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/v1/campaigns/{id} → status, counts and receipts of a campaign this key created. */
export const GET = route('GET /api/v1/campaigns/{id}', async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const ctx = await apiCtx(await getDb(), req);
  const { id } = await params;
  return Response.json(await getApiCampaign(ctx, id), { headers: { 'cache-control': 'no-store' } });
});
