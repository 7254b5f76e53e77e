/**
 * Runs before every page (the public one and the dashboard's):
 *  - a Content-Security-Policy with a fresh nonce per response (Next puts the nonce on its own
 *    scripts), so injected markup cannot run script even if something slipped past React's
 *    escaping: no inline handlers, no foreign scripts, no framing (clickjacking), no plugins, no
 *    <base> hijack, forms post only here;
 *  - server actions posted from another origin are refused with 403;
 *  - an action posted to a page that does not carry it (Next would answer `200 {}`) gets a typed
 *    refusal: 401 `unauthorized` without a session, 404 `not_found` with one;
 *  - for /admin: visitors without a valid session cookie go to sign-in, keeping where they were
 *    going. A convenience only: pages, actions and route handlers check the caller themselves
 *    (server/auth/session.ts), including whether the account is still enabled.
 */
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { withAuth, type NextRequestWithAuth } from 'next-auth/middleware';
import { getToken } from 'next-auth/jwt';
import { deriveKey } from './lib/secrets';
import { actionAt } from './lib/http/action-pages';
import { readProjectHeader, signProjectHeader } from './lib/http/project-header';
import { PROJECT_HEADER, splitAdminPath } from './lib/http/project-path';

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    `default-src 'self'`,
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) are trusted; nothing else is.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    // React sets style attributes; styles cannot run script.
    `style-src 'self' 'unsafe-inline'`,
    // Notification icons and images are anyone's https URLs (the composer previews them).
    `img-src 'self' https: data: blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    `worker-src 'self'`,
    `manifest-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/**
 * The project a dashboard request names: `/admin/p/<slug>/…` (rewritten onto `/admin/…`), or
 * `?project=` on the dashboard's own route handlers (`/api/admin/…`). A client's own
 * PROJECT_HEADER is dropped (it is not signed), so only the URL chooses; membership is checked by
 * the session.
 */
function projectOf(req: NextRequest): { slug: string | null; rewrite: string | null } {
  const { slug, inner } = splitAdminPath(req.nextUrl.pathname);
  if (slug !== null) return { slug, rewrite: inner };
  if (req.nextUrl.pathname.startsWith('/api/admin/')) return { slug: req.nextUrl.searchParams.get('project'), rewrite: null };
  return { slug: null, rewrite: null };
}

function withCsp(req: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  // Next reads the nonce from the request's policy and applies it to the scripts it renders.
  const headers = new Headers(req.headers);
  headers.set('content-security-policy', csp);
  // Next runs the proxy again for the request it rewrote: keep only a header this proxy signed.
  const carried = readProjectHeader(req.headers.get(PROJECT_HEADER));
  headers.delete(PROJECT_HEADER);
  const project = projectOf(req);
  const slug = project.slug ?? carried;
  if (slug !== null) headers.set(PROJECT_HEADER, signProjectHeader(slug));
  let res: NextResponse;
  if (project.rewrite !== null) {
    const url = req.nextUrl.clone();
    url.pathname = project.rewrite;
    res = NextResponse.rewrite(url, { request: { headers } });
  } else {
    res = NextResponse.next({ request: { headers } });
  }
  res.headers.set('content-security-policy', csp);
  return res;
}

const sessionSecret = deriveKey('session').toString('base64url');
const admin = withAuth((req: NextRequestWithAuth) => withCsp(req), {
  secret: sessionSecret,
  pages: { signIn: '/login' },
});

/**
 * Server actions are POSTs any page could make with the visitor's cookies. Next refuses a foreign
 * Origin too, but with a 500 after logging an error; answer it here, plainly, with 403.
 */
function crossOriginAction(req: NextRequest): boolean {
  if (req.method !== 'POST' || !req.headers.has('next-action')) return false;
  const origin = req.headers.get('origin');
  if (origin === null) return false; // as Next: very old browsers send none; cookies are SameSite=Lax anyway
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true; // "null" and other opaque origins
  }
}

const isAdmin = (pathname: string) => pathname === '/admin' || pathname.startsWith('/admin/');

/**
 * An action id this build has, posted to a page that does not carry it. Under /admin the sign-in
 * redirect answers first for visitors; everywhere the answer has the actions' own error shape.
 */
async function strayAction(req: NextRequest): Promise<NextResponse | null> {
  if (req.method !== 'POST' || !req.headers.has('next-action')) return null;
  if (actionAt(req.headers.get('next-action') ?? '', splitAdminPath(req.nextUrl.pathname).inner) !== 'stray') return null;
  // The session cookie is __Secure- prefixed behind https; look for either spelling.
  const token = (await getToken({ req, secret: sessionSecret, secureCookie: false })) ?? (await getToken({ req, secret: sessionSecret, secureCookie: true }));
  if (!token && isAdmin(req.nextUrl.pathname)) return null;
  const error = token
    ? { status: 404, code: 'not_found', message: 'This page has no such action. Reload the page and try again.' }
    : { status: 401, code: 'unauthorized', message: 'Sign in first: this action needs a session.' };
  return NextResponse.json(
    { ok: false, error: { code: error.code, message: error.message } },
    { status: error.status, headers: { 'cache-control': 'no-store' } },
  );
}

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  // Body size: the front server (lib/http/front.mjs) counts every request's bytes as they arrive.
  if (crossOriginAction(req)) {
    return new NextResponse('Cross-origin request refused: server actions only accept calls from this site.', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const stray = await strayAction(req);
  if (stray) return stray;
  if (isAdmin(req.nextUrl.pathname)) return admin(req as NextRequestWithAuth, event);
  return withCsp(req);
}

// Every page: the public subscribe page, the dashboard and its sign-in pages. Route handlers answer
// JSON, CSV or files and set their own headers; the dashboard's own ones (`/api/admin/…`) pass
// through here only to have their project named (a CSP on JSON does no harm).
export const config = { matcher: ['/', '/p/:path*', '/login', '/setup', '/admin', '/admin/:path*', '/api/admin/:path*'] };
