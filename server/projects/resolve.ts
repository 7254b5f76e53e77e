/**
 * Which project a public or API request means: the `Pushdeck-Project` header or `?project=<slug>`,
 * the default project when it names none. Looked up with a short per-process cache (projects
 * change rarely; a rename or new origin reaches every process within 2 s).
 */
import 'server-only';
import type { Db } from '../../db';
import { AppError } from '../../lib/errors';
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

/** The message the site SDK prints and the Install page's check repeats for an unlisted origin. */
export const originNotAllowedMessage = (origin: string, slug: string) =>
  `The origin ${origin} is not allowed for project "${slug}": add it to the project's allowed origins (Install page).`;

/** The hosts a request was addressed to: its URL's, and the Host and trusted X-Forwarded-Host headers. */
function ownHosts(req: Request): Set<string> {
  const hosts = new Set<string>();
  try {
    hosts.add(new URL(req.url).host.toLowerCase());
  } catch {
    // A relative URL never reaches a handler; nothing to add.
  }
  const host = req.headers.get('host');
  if (host) hosts.add(host.trim().toLowerCase());
  // lib/http/front.mjs drops forwarded headers unless a proxy is trusted, so this one is the proxy's.
  const forwarded = req.headers.get('x-forwarded-host');
  if (forwarded) for (const h of forwarded.split(',')) hosts.add(h.trim().toLowerCase());
  return hosts;
}

/**
 * A browser call from another site that the project does not list: the 403 to answer (and the
 * origin it names, null for a malformed Origin), or null. Hosts are compared, not schemes: behind a TLS proxy the app sees
 * http for a page served over https. Requests without an Origin (service workers' own
 * navigations, programs, same-origin GETs) and an `Origin: null` (sandboxed frames, privacy
 * redirects: no site to name) are left to CORS as before.
 */
export function originRefusal(req: Request, slug: string, origins: string[]): { origin: string | null; error: AppError } | null {
  const raw = req.headers.get('origin');
  if (!raw || raw === 'null' || origins.includes('*')) return null;
  let origin: URL;
  try {
    origin = new URL(raw);
  } catch {
    return { origin: null, error: new AppError('forbidden', `The Origin header "${raw.slice(0, 100)}" is not an origin.`) };
  }
  if (ownHosts(req).has(origin.host.toLowerCase())) return null;
  if (origins.includes(origin.origin.toLowerCase())) return null;
  return { origin: origin.origin, error: new AppError('forbidden', originNotAllowedMessage(origin.origin, slug)) };
}
