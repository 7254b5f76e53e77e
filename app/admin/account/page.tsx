import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { SectionCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { roleDescription, roleLabel } from '@/lib/auth/roles';
import { requirePageCtx } from '@/server/auth/session';
import { ChangePasswordForm } from './change-password-form';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const { actor } = await requirePageCtx('dashboard.read', '/admin/account');
  return (
    <>
      <PageHeader title="Your account" />
      <div className="grid gap-6 lg:grid-cols-2">
        <SectionCard title="Profile">
          <dl className="grid grid-cols-[8rem_1fr] gap-y-3 text-sm">
            <dt className="text-slate-500">E-mail</dt>
            <dd className="font-medium">{actor.email}</dd>
            <dt className="text-slate-500">Name</dt>
            <dd>{actor.name || '—'}</dd>
            <dt className="text-slate-500">Role</dt>
            <dd>
              <Badge tone="brand">{roleLabel[actor.role]}</Badge>
              <p className="mt-1 text-slate-500">{roleDescription[actor.role]}</p>
            </dd>
          </dl>
        </SectionCard>
        <SectionCard title="Change password" description="You will be signed out everywhere and sign in again with the new password.">
          <ChangePasswordForm />
        </SectionCard>
      </div>
    </>
  );
}
