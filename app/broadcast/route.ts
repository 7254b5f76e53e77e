import { broadcast, parseBroadcast } from '@/server/api/broadcast';
import { API_BODY_LIMITS } from '@/server/api/limits';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** notiflux-compatible: POST /broadcast {"topic","message","token"} → 202 (server/api/broadcast.ts). */
export const POST = apiRoute(
  'POST /broadcast',
  async ({ ctx, req, body }) => {
    const r = await broadcast(ctx, body, req.headers.get('idempotency-key'));
    return Response.json({ campaignId: r.campaignId, status: r.status, recipients: r.recipients }, { status: 202 });
  },
  { body: API_BODY_LIMITS.broadcast, credential: (body) => parseBroadcast(body).token },
);
