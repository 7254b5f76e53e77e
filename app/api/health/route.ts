import { checkHealth } from '@/server/system/health';

export const dynamic = 'force-dynamic';

/** Readiness: 200 when the database and the job queue answer, 503 otherwise. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
