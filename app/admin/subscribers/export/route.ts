import { requireCtx } from '@/server/auth/session';
import { route } from '@/server/http';
import { exportFilename, exportSubscribersCsv } from '@/server/subscribers/export';
import { SUBSCRIBER_FILTER_KEYS } from '@/server/subscribers/schemas';

export const dynamic = 'force-dynamic';

/**
 * GET /admin/subscribers/export?<the list's filters>: the matching subscribers as CSV, streamed.
 * Marketers and up; endpoints and keys are never part of it.
 */
export const GET = route('GET /admin/subscribers/export', async (req: Request) => {
  const ctx = await requireCtx('subscribers.read');
  const params = new URL(req.url).searchParams;
  const filters = Object.fromEntries(SUBSCRIBER_FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]));
  const body = await exportSubscribersCsv(ctx, filters);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFilename()}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
