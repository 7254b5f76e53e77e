import { publicOptions, publicRoute } from '@/server/http';
import { publicKeyAnswer } from '@/server/vapid/keys';

export const dynamic = 'force-dynamic';

/**
 * The applicationServerKey for new subscriptions: JSON `{"publicKey": "<base64url>"}`, or the raw
 * 65-byte point with `Accept: application/octet-stream`. Not cached for long: keys rotate.
 */
export const GET = publicRoute(
  'GET /api/push/vapid-public-key',
  async ({ ctx, req }) => {
    const key = await publicKeyAnswer(ctx, req.headers.get('accept'));
    const headers = { 'cache-control': 'public, max-age=60', vary: 'accept' };
    if (key.raw) return new Response(key.raw, { headers: { ...headers, 'content-type': 'application/octet-stream' } });
    return Response.json({ publicKey: key.publicKey }, { headers });
  },
  { limit: false },
);

export const OPTIONS = publicOptions();
