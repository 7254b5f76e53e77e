import { getDb } from '@/db';
import { fromB64u } from '@/lib/push/base64url';
import { AppError } from '@/lib/errors';
import { PUBLIC_CORS, route, withHeaders } from '@/server/http';
import { activePublicKey } from '@/server/vapid/keys';

export const dynamic = 'force-dynamic';

/**
 * The applicationServerKey for new subscriptions: JSON `{"publicKey": "<base64url>"}`, or the raw
 * 65-byte point with `Accept: application/octet-stream`. Not cached for long: keys rotate.
 */
export const GET = route(
  'GET /api/push/vapid-public-key',
  async (req: Request) => {
    const key = await activePublicKey(await getDb());
    if (!key) throw new AppError('unavailable', 'No VAPID key is active yet.');
    const headers = { ...PUBLIC_CORS, 'cache-control': 'public, max-age=60', vary: 'accept' };
    if (/application\/octet-stream/i.test(req.headers.get('accept') ?? '')) {
      return new Response(new Uint8Array(fromB64u(key.publicKey)!), { headers: { ...headers, 'content-type': 'application/octet-stream' } });
    }
    return withHeaders(Response.json({ publicKey: key.publicKey }), headers);
  },
  { headers: PUBLIC_CORS },
);

export function OPTIONS() {
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}
