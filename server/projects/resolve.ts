/**
 * Which project a public or API request means: the `Pushdeck-Project` header or `?project=<slug>`,
 * the default project when it names none. Looked up with a short per-process cache (projects
 * change rarely; a rename or new origin reaches every process within 2 s).
 */
import 'server-only';
import type { Db } from '../../db';
import { findProject, noSuchProject, type ProjectWithOrigins } from './queries';

/** The project slug a request names, if any. */
export function requestedProject(req: Request): string | null {
  const named = req.headers.get('pushdeck-project') ?? new URL(req.url).searchParams.get('project');
  return named?.trim().toLowerCase() || null;
}

const CACHE_MS = 2000;
const cache = new Map<string, { at: number; project: ProjectWithOrigins | null }>();

/** The project by slug (null: the default one); `not_found` for a slug no project has. */
export async function resolveProject(db: Db, slug: string | null): Promise<ProjectWithOrigins> {
  const key = slug ?? '';
  const hit = cache.get(key);
  let project = hit && Date.now() - hit.at < CACHE_MS ? hit.project : undefined;
  if (project === undefined) {
    project = await findProject(db, slug);
    if (cache.size > 1000) cache.clear();
    cache.set(key, { at: Date.now(), project });
  }
  if (!project) throw noSuchProject(slug);
  return project;
}

export function forgetResolvedProjects(): void {
  cache.clear();
}

/**
 * CORS for a project's public API: `Access-Control-Allow-Origin` only for the origins the project
 * lists (`*` when it lists `*`), so another site cannot subscribe visitors to it or read its inbox.
 * Same-origin requests (Pushdeck's own pages) need none.
 */
export function corsFor(base: Record<string, string>, origins: string[], requestOrigin: string | null): Record<string, string> {
  // A route that opts out of CORS (a capability URL read by service workers) stays without it.
  if (!Object.keys(base).length) return {};
  const { 'access-control-allow-origin': _any, ...rest } = base;
  // Answers differ by the project a request names in a header, and (below) by its origin.
  if (origins.includes('*')) return { ...rest, 'access-control-allow-origin': '*', vary: 'Pushdeck-Project' };
  const out: Record<string, string> = { ...rest, vary: 'Origin, Pushdeck-Project' };
  if (requestOrigin && origins.includes(requestOrigin.toLowerCase())) out['access-control-allow-origin'] = requestOrigin;
  return out;
}
