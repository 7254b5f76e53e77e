/**
 * next-auth (v4) configuration: credentials sign-in, JWT sessions.
 *
 * The JWT carries only the user id, the user's session version, the sign-in time and a random
 * session id (which signing out revokes). Role and
 * enabled state are read from the database on every request (server/auth/session.ts), so a role
 * change or a disabled account takes effect at once, not when the token expires.
 */
import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '../../db';
import { config } from '../../lib/env';
import { isAppError } from '../../lib/errors';
import { clientIp } from '../../lib/http/client-ip';
import { logger } from '../../lib/logger';
import { deriveKey } from '../../lib/secrets';
import { safeCallbackPath } from '../../lib/auth/callback';
import { authenticate } from './login';
import { newSessionId, revokeSession } from './revocation';

/** Error codes passed from `authorize` to the sign-in form (next-auth forwards the message). */
export const SIGNIN_ERRORS = ['invalid', 'disabled', 'rate_limited', 'unavailable'] as const;

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const maxAge = Math.round(config().SESSION_MAX_AGE_HOURS * 3600);
  cached = {
    secret: deriveKey('session').toString('base64url'),
    session: { strategy: 'jwt', maxAge },
    jwt: { maxAge },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'E-mail and password',
        credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const ip = clientIp((req?.headers ?? {}) as Record<string, string>);
          try {
            const user = await authenticate(await getDb(), {
              email: credentials?.email,
              password: credentials?.password,
              ip,
            });
            return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
          } catch (e) {
            if (isAppError(e)) {
              if (e.code === 'rate_limited') throw new Error(`rate_limited:${e.retryAfter ?? 60}`);
              if (e.code === 'forbidden') throw new Error('disabled');
              if (e.code === 'unauthorized') throw new Error('invalid');
            }
            logger.error('auth.authorize-failed', { err: e });
            throw new Error('unavailable');
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sv = (user as { sv?: number }).sv ?? 1;
          token.loginAt = Math.floor(Date.now() / 1000);
          token.sid = newSessionId();
        }
        return token;
      },
      async session({ session, token }) {
        session.user = { ...session.user, id: token.sub!, sv: token.sv as number, loginAt: token.loginAt as number, sid: token.sid };
        return session;
      },
      async redirect({ url, baseUrl }) {
        return baseUrl + safeCallbackPath(url, '/admin', new URL(baseUrl).origin);
      },
    },
    events: {
      // next-auth clears the cookie; this makes a copy of it worthless too.
      async signOut({ token }) {
        if (typeof token?.sid !== 'string') return; // a session from before session ids: it ages out
        const loginAt = typeof token.loginAt === 'number' ? token.loginAt : Math.floor(Date.now() / 1000);
        try {
          await revokeSession(await getDb(), token.sid, new Date((loginAt + maxAge) * 1000));
          logger.info('auth.signout', { userId: token.sub });
        } catch (err) {
          logger.error('auth.signout-revoke-failed', { err, userId: token.sub });
        }
      },
    },
    logger: {
      error(code, metadata) {
        // A failed sign-in is not a server error; authorize already logged what matters.
        if (code === 'CREDENTIALS_SIGNIN' || code === 'CLIENT_FETCH_ERROR') return;
        logger.error('auth.next-auth', { code, metadata: metadata instanceof Error ? metadata.message : undefined });
      },
      warn(code) {
        if (code === 'NEXTAUTH_URL') return; // self-hosted: origin comes from the request (AUTH_TRUST_HOST)
        logger.warn('auth.next-auth', { code });
      },
      debug() {},
    },
  };
  return cached;
}
