import { redirect } from 'next/navigation';
import { NAV } from '@/components/admin/nav-items';
import { can } from '@/lib/auth/roles';
import { currentUser } from '@/server/auth/session';

/** The first area the signed-in user may open. */
export default async function AdminHome() {
  const user = await currentUser();
  if (!user) redirect('/login');
  const first = NAV.flatMap((s) => s.items).find((i) => i.permission === null || can(user.role, i.permission));
  redirect(first?.href ?? '/admin/account');
}
