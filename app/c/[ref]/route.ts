import { clickRoute } from '@/server/receipts/click-route';

export const dynamic = 'force-dynamic';

/** GET /c/{ref}: a notification's click-tracking link (Declarative Web Push `navigate`). */
export const GET = clickRoute('GET /c/{ref}');
