'use client';
import { createContext, useCallback, useContext } from 'react';
import { adminPath, DEFAULT_SLUG } from '@/lib/http/project-path';

const ProjectSlug = createContext<string>(DEFAULT_SLUG);

/**
 * Gives the dashboard's client components the project the page is in (the layout knows it from
 * the request). Every project's pages are one route (proxy.ts rewrites `/admin/p/<slug>/…`), so
 * Next would keep the layout across a client-side move to another project: such moves are full
 * page loads (the switcher, links to other projects are plain `<a>`).
 */
export function ProjectProvider({ slug, children }: { slug: string; children: React.ReactNode }) {
  return <ProjectSlug.Provider value={slug}>{children}</ProjectSlug.Provider>;
}

/** `href('/campaigns/1')` → that page in the current project (`/admin/p/<slug>/campaigns/1`). */
export function useAdminHref(): (path?: string) => string {
  const slug = useContext(ProjectSlug);
  return useCallback((path?: string) => adminPath(slug, path), [slug]);
}

/** The current project's slug, for API calls that name it (`?project=`). */
export function useProjectSlug(): string {
  return useContext(ProjectSlug);
}
