'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { Logo } from '@/components/brand/logo';
import { cn } from '@/components/ui/cn';
import { Icon } from './icons';
import type { NavItem } from './nav-items';
import { splitAdminPath } from '@/lib/http/project-path';
import { useAdminHref } from './project-context';
import { ProjectSwitcher, type SwitcherProject } from './project-switcher';

export function Sidebar({
  sections,
  projects,
  currentProject,
  user,
}: {
  sections: { section: string; items: NavItem[] }[];
  projects: SwitcherProject[];
  /** The project shown, or null outside the user's projects. */
  currentProject: string | null;
  user: { email: string; name: string; role: string };
}) {
  const pathname = usePathname();
  const at = useAdminHref();
  // The items name pages of the default project (`/admin/campaigns`); shown in the URL's project.
  const home = at();
  const hrefOf = (item: NavItem) => at(item.href.replace(/^\/admin/, ''));
  const [open, setOpen] = useState(false);
  // Compared without the project prefix: the same either way the pathname comes.
  const page = splitAdminPath(pathname).inner;
  const isActive = (item: NavItem) => (item.href === '/admin' ? page === '/admin' : page === item.href || page.startsWith(`${item.href}/`));

  return (
    <>
      <div className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 lg:hidden">
        <Link href={home} className="flex items-center gap-2 font-semibold">
          <Logo className="size-7" /> Pushdeck
        </Link>
        <button
          type="button"
          className="rounded-md p-2 text-slate-600 hover:bg-slate-100"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-controls="admin-nav"
        >
          <span className="sr-only">Menu</span>
          <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
            <path d="M4 6h16M4 12h16M4 18h16" />
          </svg>
        </button>
      </div>
      <aside id="admin-nav" className={cn('fixed inset-y-0 left-0 z-40 w-64 flex-col border-r border-slate-200 bg-white lg:flex', open ? 'flex' : 'hidden')}>
        <Link href={home} className="flex items-center gap-2.5 px-5 py-5 text-lg font-semibold tracking-tight">
          <Logo className="size-8" /> Pushdeck
        </Link>
        <ProjectSwitcher projects={projects} current={currentProject} />
        <nav className="flex-1 space-y-6 overflow-y-auto px-3 py-2" aria-label="Admin">
          {sections.map((s) => (
            <div key={s.section}>
              <p className="px-2 pb-1.5 text-xs font-semibold uppercase tracking-wider text-slate-400">{s.section}</p>
              <ul className="space-y-0.5">
                {s.items.map((item) => (
                  <li key={item.href}>
                    <Link
                      href={hrefOf(item)}
                      onClick={() => setOpen(false)}
                      aria-current={isActive(item) ? 'page' : undefined}
                      className={cn(
                        'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium',
                        isActive(item) ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900',
                      )}
                    >
                      <Icon name={item.icon} />
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <div className="border-t border-slate-200 p-4">
          <p className="truncate text-sm font-medium text-slate-900" title={user.email}>
            {user.name || user.email}
          </p>
          <p className="truncate text-xs text-slate-500">
            {user.name ? `${user.email} · ` : ''}
            <span className="capitalize">{user.role}</span>
          </p>
          <button
            type="button"
            onClick={() => void signOut({ callbackUrl: '/login' })}
            className="mt-3 w-full rounded-md px-2 py-1.5 text-left text-sm font-medium text-slate-600 ring-1 ring-slate-200 hover:bg-slate-50"
          >
            Sign out
          </button>
        </div>
      </aside>
    </>
  );
}
