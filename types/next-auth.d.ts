import type { DefaultSession } from 'next-auth';

declare module 'next-auth' {
  interface Session {
    user: DefaultSession['user'] & { id: string; sv: number; loginAt: number };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    sv?: number;
    loginAt?: number;
  }
}
