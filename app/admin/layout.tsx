import { redirect } from 'next/navigation';
import { NAV } from '@/components/admin/nav-items';
import { ProjectProvider } from '@/components/admin/project-context';
import { Sidebar } from '@/components/admin/sidebar';
import { can } from '@/lib/auth/roles';
import { DEFAULT_SLUG } from '@/lib/http/project-path';
import { currentMember, currentProjects } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

/**
 * The admin shell, in the project the URL names, with the areas the user's role there opens.
 * Redirecting here is a convenience; every page, action and route handler checks the caller
 * again itself.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const member = await currentMember();
  if (!member) redirect('/login?callbackUrl=%2Fadmin');
  const projects = await currentProjects();
  // Outside the user's projects only "Your account" stays (the page itself answers 404).
  const role = member.actor?.role ?? null;
  const sections = NAV.map((s) => ({
    ...s,
    items: s.items.filter((i) => (i.permission === null ? true : can(role, i.permission))),
  })).filter((s) => s.items.length > 0);
  return (
    <ProjectProvider slug={member.project?.slug ?? DEFAULT_SLUG}>
      <div className="min-h-screen">
        <Sidebar
          sections={sections}
          projects={projects.map((p) => ({ slug: p.slug, name: p.name, role: p.role }))}
          currentProject={member.project?.slug ?? null}
          user={{ email: member.account.email, name: member.account.name, role: role ?? (projects.length ? 'not a member here' : 'no project yet') }}
        />
        <main className="lg:pl-64">
          <div className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-10">{children}</div>
        </main>
      </div>
    </ProjectProvider>
  );
}
