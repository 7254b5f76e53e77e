import { publicOptions, publicRoute } from '@/server/http';
import { RECEIPT_BODY_BYTES, recordReceipt } from '@/server/receipts/record';

export const dynamic = 'force-dynamic';

/** POST {"ref","kind":"shown|clicked|closed","action"?} from the service worker → 204. */
export const POST = publicRoute(
  'POST /api/push/receipts',
  async ({ ctx, body }) => {
    await recordReceipt(ctx, body);
    return new Response(null, { status: 204 });
  },
  { body: RECEIPT_BODY_BYTES },
);

export const OPTIONS = publicOptions();
