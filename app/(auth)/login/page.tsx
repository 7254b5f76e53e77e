import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { visitorCtx } from '@/server/auth/session';
import { safeCallbackPath } from '@/lib/auth/callback';
import { currentUser } from '@/server/auth/session';
import { setupOpen } from '@/server/users/queries';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callback = safeCallbackPath(typeof sp.callbackUrl === 'string' ? sp.callbackUrl : undefined);
  if (await setupOpen(await visitorCtx())) redirect('/setup');
  if (await currentUser()) redirect(callback);
  return (
    <>
      <h1 className="text-lg font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-slate-500">to the Pushdeck dashboard</p>
      <LoginForm callbackUrl={callback} notice={sp.reason === 'password-changed' ? 'Your password was changed. Sign in with the new one.' : undefined} />
    </>
  );
}
