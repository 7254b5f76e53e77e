import type { DefaultSession } from 'next-auth';

declare module 'next-auth' {
  interface Session {
    user: DefaultSession['user'] & { id: string; sv: number; loginAt: number; sid?: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    sv?: number;
    loginAt?: number;
    /** Random per sign-in; signing out revokes it (server/auth/revocation.ts). */
    sid?: string;
  }
}
