/**
 * Dashboard URLs carry the project: `/admin/p/<slug>/campaigns` is the campaigns page of project
 * `slug`, and `/admin/campaigns` that of the default project, so a link opens the same project for
 * whoever follows it. proxy.ts rewrites the first form onto the second and passes the slug in
 * `PROJECT_HEADER` (dropping any such header a client sent); the session reads it from there.
 * Pure: the proxy, pages and client components share it.
 */
export const PROJECT_HEADER = 'x-pushdeck-project';
export const DEFAULT_SLUG = 'default';

/** The dashboard URL of `path` (`/campaigns`, `''` for the overview) in project `slug`. */
export function adminPath(slug: string, path = ''): string {
  const rest = path === '/' ? '' : path;
  return slug === DEFAULT_SLUG ? `/admin${rest}` : `/admin/p/${encodeURIComponent(slug)}${rest}`;
}

/** `/admin/p/shop/campaigns` → `{ slug: 'shop', inner: '/admin/campaigns' }`; other paths name no project. */
export function splitAdminPath(pathname: string): { slug: string | null; inner: string } {
  const m = /^\/admin\/p\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!m) return { slug: null, inner: pathname };
  let slug: string;
  try {
    slug = decodeURIComponent(m[1]!);
  } catch {
    slug = m[1]!;
  }
  return { slug, inner: `/admin${m[2] ?? ''}` };
}

/** The dashboard section a path is in (`/admin/p/shop/campaigns/1` → `/campaigns`): what a project switch keeps. */
export function sectionOf(pathname: string): string {
  const first = splitAdminPath(pathname)
    .inner.replace(/^\/admin/, '')
    .split('/')[1];
  return first ? `/${first}` : '';
}
