'use client';
import { usePathname } from 'next/navigation';
import { adminPath, sectionOf } from '@/lib/http/project-path';

export interface SwitcherProject {
  slug: string;
  name: string;
  role: string;
}

/**
 * Which project the dashboard shows. Switching keeps the section (campaigns stay campaigns) but
 * not an id, which belongs to one project only. It loads the page afresh: the shell (which areas
 * the role there opens) belongs to the project, and Next would keep the old one on a client-side move.
 */
export function ProjectSwitcher({ projects, current }: { projects: SwitcherProject[]; current: string | null }) {
  const pathname = usePathname();
  if (projects.length === 0) return null;
  return (
    <div className="px-4 pb-3">
      <label htmlFor="project-switcher" className="block pb-1 text-xs font-semibold uppercase tracking-wider text-slate-400">
        Project
      </label>
      <select
        id="project-switcher"
        data-testid="project-switcher"
        value={current ?? ''}
        onChange={(e) => window.location.assign(adminPath(e.target.value, sectionOf(pathname)))}
        className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-medium text-slate-900 focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
      >
        {current === null && <option value="">Choose a project…</option>}
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name} ({p.role})
          </option>
        ))}
      </select>
    </div>
  );
}
