import { getDb } from '@/db';
import { limitPublic, PUBLIC_CORS, readJson, route } from '@/server/http';
import { recordReceipt } from '@/server/receipts/record';

export const dynamic = 'force-dynamic';

/** POST {"ref","kind":"shown|clicked|closed","action"?} from the service worker → 204. */
export const POST = route(
  'POST /api/push/receipts',
  async (req: Request) => {
    limitPublic(req);
    await recordReceipt(await getDb(), await readJson(req, 1024));
    return new Response(null, { status: 204, headers: PUBLIC_CORS });
  },
  { headers: PUBLIC_CORS },
);

export function OPTIONS() {
  return new Response(null, { status: 204, headers: PUBLIC_CORS });
}
