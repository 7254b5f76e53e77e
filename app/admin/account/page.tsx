import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { SectionCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { roleDescription, roleLabel } from '@/lib/auth/roles';
import { adminPath } from '@/lib/http/project-path';
import { currentProjects, requireAccountPageCtx } from '@/server/auth/session';
import { ChangePasswordForm } from './change-password-form';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const ctx = await requireAccountPageCtx('/admin/account');
  const { actor } = ctx;
  // The same list as the project menu's, read once for both (cached per request).
  const projects = await currentProjects();
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
            <dt className="text-slate-500">Projects</dt>
            <dd>
              {actor.role === 'owner' && <p className="mb-2 text-slate-500">{roleDescription.owner} You are an owner of every project.</p>}
              {projects.length === 0 ? (
                <p className="text-slate-500">You are not a member of any project yet. Ask an owner or a project&apos;s admin to add you.</p>
              ) : (
                <ul className="space-y-1.5" data-testid="my-projects">
                  {projects.map((p) => (
                    <li key={p.id} className="flex items-center gap-2">
                      {/* A full load: another project's shell (its areas, your role there). */}
                      <a href={adminPath(p.slug)} className="font-medium text-brand-700 hover:underline">
                        {p.name}
                      </a>
                      <Badge tone={p.role === 'owner' ? 'brand' : p.role === 'admin' ? 'blue' : 'gray'}>{roleLabel[p.role]}</Badge>
                    </li>
                  ))}
                </ul>
              )}
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
