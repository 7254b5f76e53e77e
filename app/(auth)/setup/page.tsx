import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { visitorCtx } from '@/server/auth/session';
import { setupOpen } from '@/server/users/queries';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up Pushdeck' };
export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  // Gone as soon as the first user exists.
  if (!(await setupOpen(await visitorCtx()))) notFound();
  return (
    <>
      <h1 className="text-lg font-semibold">Welcome to Pushdeck</h1>
      <p className="mt-1 text-sm text-slate-500">Create the owner account. You can invite the rest of your team afterwards.</p>
      <SetupForm />
    </>
  );
}
