export const dynamic = 'force-dynamic';

/** Liveness for load balancers: the process answers HTTP. Touches nothing else. */
export function GET() {
  return new Response('OK', { status: 200, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } });
}
