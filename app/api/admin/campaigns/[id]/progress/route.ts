/**
 * GET /api/admin/campaigns/:id/progress — the campaign's counters, polled by its detail page
 * while it sends. Session-authenticated like the pages (viewers and up); never cached.
 */
import { requireCtx } from '@/server/auth/session';
import { campaignProgress } from '@/server/campaigns/queries';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

export const GET = route(
  'GET /api/admin/campaigns/[id]/progress',
  async (_req: Request, { params }: { params: Promise<{ id: string }> }) => {
    const ctx = await requireCtx('campaigns.read');
    const { id } = await params;
    const progress = await campaignProgress(ctx, id);
    return Response.json(progress, { headers: { 'cache-control': 'no-store' } });
  },
  { headers: { 'cache-control': 'no-store' } },
);
