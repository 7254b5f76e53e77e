import { clickRoute } from '@/server/receipts/click-route';

export const dynamic = 'force-dynamic';

/** GET /c/{ref}/{action}: an action button's click-tracking link. */
export const GET = clickRoute('GET /c/{ref}/{action}');
