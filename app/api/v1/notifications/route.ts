import { API_BODY_LIMITS } from '@/server/api/limits';
import { getDb } from '@/db';
import { apiCtx } from '@/server/api/auth';
import { sendApiNotification } from '@/server/api/notifications';
import { readJson, route } from '@/server/http';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/notifications → 202 {"campaignId","status","recipients"}.
 * `Idempotency-Key`: a retry with the same key returns the same campaign and sends nothing again.
 */
export const POST = route('POST /api/v1/notifications', async (req: Request) => {
  const db = await getDb();
  const ctx = await apiCtx(db, req);
  // Room for notifications delivered through the server (up to 64 KB of content).
  const body = await readJson(req, API_BODY_LIMITS.notifications);
  const r = await sendApiNotification(ctx, body, req.headers.get('idempotency-key'));
  return Response.json(
    { campaignId: r.campaignId, status: r.status, recipients: r.recipients },
    { status: 202, headers: { 'cache-control': 'no-store', ...(r.replayed ? { 'idempotent-replayed': 'true' } : {}) } },
  );
});
