import { openApiDocument } from '@/server/api/openapi';
import { PUBLIC_CORS } from '@/server/http';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  const url = new URL(req.url);
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? url.host;
  const proto = req.headers.get('x-forwarded-proto') ?? url.protocol.replace(':', '');
  return Response.json(openApiDocument(`${proto}://${host}`), { headers: { ...PUBLIC_CORS, 'cache-control': 'public, max-age=300' } });
}
