import { API_BODY_LIMITS } from '@/server/api/limits';
import { sendApiNotification } from '@/server/api/notifications';
import { apiRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/notifications → 202 {"campaignId","status","recipients"}.
 * `Idempotency-Key`: a retry with the same key returns the same campaign and sends nothing again.
 */
export const POST = apiRoute(
  'POST /api/v1/notifications',
  async ({ ctx, req, body }) => {
    const r = await sendApiNotification(ctx, body, req.headers.get('idempotency-key'));
    return Response.json(
      { campaignId: r.campaignId, status: r.status, recipients: r.recipients },
      { status: 202, headers: { 'cache-control': 'no-store', ...(r.replayed ? { 'idempotent-replayed': 'true' } : {}) } },
    );
  },
  // Room for notifications delivered through the server (up to 64 KB of content).
  { body: API_BODY_LIMITS.notifications },
);
