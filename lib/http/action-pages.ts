/**
 * Which pages carry which server actions, from the build's server-reference manifest. Next answers
 * an action id posted to a page that does not carry it with `200 {}` — neither a result nor an
 * error; proxy.ts uses this to answer such calls itself, typed, before Next sees them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../logger';

interface Manifest {
  node?: Record<string, { workers?: Record<string, unknown> }>;
}

/** `app/(auth)/setup/page` → `/setup`; `app/page` → `/`. Dynamic segments stay as `[id]`. */
export function pageOfWorker(worker: string): string {
  const parts = worker
    .replace(/^app\//, '')
    .replace(/(^|\/)page$/, '')
    .split('/')
    .filter((s) => s && !/^\(.*\)$/.test(s));
  return `/${parts.join('/')}`;
}

/** id → the pages (URL paths) that carry it. */
export function parseActionPages(manifest: Manifest): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [id, a] of Object.entries(manifest.node ?? {})) out.set(id, new Set(Object.keys(a.workers ?? {}).map(pageOfWorker)));
  return out;
}

let cached: Map<string, Set<string>> | null | undefined;
/** The map, read once; a dev server recompiles, so there it is read on every call. */
function load(): Map<string, Set<string>> | null {
  if (cached !== undefined && process.env.NODE_ENV !== 'development') return cached;
  try {
    const file = path.join(process.cwd(), '.next', 'server', 'server-reference-manifest.json');
    cached = parseActionPages(JSON.parse(readFileSync(file, 'utf8')) as Manifest);
  } catch (err) {
    // No build to read: every action counts as unknown and Next decides (a stray call gets Next's
    // `200 {}` instead of our typed error). Worth saying once in production, where a build exists.
    if (cached === undefined && process.env.NODE_ENV === 'production') logger.warn('action-pages.manifest-unreadable', { err });
    cached = null;
  }
  return cached;
}

/** Without trailing slashes; the root stays `/`. */
const segments = (p: string) => (p.replace(/\/+$/, '') || '/').split('/');
/** Whether `pathname` is a page `pattern` (`/admin/campaigns/[id]`) stands for. */
function matches(pattern: string, pathname: string): boolean {
  const a = segments(pattern);
  const b = segments(pathname);
  return a.length === b.length && a.every((s, i) => (/^\[.+\]$/.test(s) ? b[i] !== '' : s === b[i]));
}

/**
 * 'carried': the page carries the action (Next runs it, and the action checks its caller);
 * 'stray': the build has the action but not on this page; 'unknown': no such action in this build
 * (Next answers 409, which tells an out-of-date page to reload) or no manifest to tell.
 */
export function actionAt(id: string, pathname: string, pages = load()): 'carried' | 'stray' | 'unknown' {
  const where = pages?.get(id);
  if (!where) return 'unknown';
  for (const p of where) if (matches(p, pathname)) return 'carried';
  return 'stray';
}
