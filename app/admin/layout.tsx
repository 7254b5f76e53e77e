import { redirect } from 'next/navigation';
import { NAV } from '@/components/admin/nav-items';
import { Sidebar } from '@/components/admin/sidebar';
import { can } from '@/lib/auth/roles';
import { currentUser } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

/**
 * The admin shell. Redirecting here is a convenience; every page, action and route handler
 * checks the caller again itself.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) redirect('/login?callbackUrl=%2Fadmin');
  const sections = NAV.map((s) => ({ ...s, items: s.items.filter((i) => i.permission === null || can(user.role, i.permission)) })).filter(
    (s) => s.items.length > 0,
  );
  return (
    <div className="min-h-screen">
      <Sidebar sections={sections} user={{ email: user.email, name: user.name, role: user.role }} />
      <main className="lg:pl-64">
        <div className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-10">{children}</div>
      </main>
    </div>
  );
}
