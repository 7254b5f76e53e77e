import { config } from '@/lib/env';
import pkg from '@/package.json';

export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(
    { name: 'pushdeck', version: pkg.version, commit: config().GIT_COMMIT ?? null, node: process.version },
    { headers: { 'cache-control': 'no-store' } },
  );
}
