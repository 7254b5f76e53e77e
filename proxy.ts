/**
 * Runs before /admin routes: sends visitors without a valid session cookie to sign-in, keeping
 * where they were going. A convenience only: pages, actions and route handlers check the
 * caller themselves (server/auth/session.ts), including whether the account is still enabled.
 */
import { withAuth } from 'next-auth/middleware';
import { deriveKey } from './lib/secrets';

export default withAuth({
  secret: deriveKey('session').toString('base64url'),
  pages: { signIn: '/login' },
});

export const config = { matcher: ['/admin', '/admin/:path*'] };
