/**
 * The Install page's installation check: fetches the service-worker file a site serves (by
 * default `/pushdeck-sw.js` at its root) from the server and says, in the SDK's own words
 * (lib/sdk/install-messages.ts), what stops it working. Only origins the project lists are
 * fetched (the check is not a way to make Pushdeck request arbitrary addresses), with a 5 s
 * timeout, at most 64 KiB read and no redirect followed (a worker script may not redirect).
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { projects } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import { readCapped } from '../../lib/http/read-capped';
import { installMessages, SITE_WORKER_PATH } from '../../lib/sdk/install-messages';
import { assertCan, type Ctx } from '../context';
import { originNotAllowedMessage } from '../projects/resolve';
import { INSTALL_READ, installCheckSchema } from './install-schemas';

export type FindingLevel = 'ok' | 'error' | 'warning';
export type FindingCode = 'origin-not-listed' | 'unreachable' | 'redirect' | 'not-found' | 'content-type' | 'too-large' | 'wrong-worker' | 'scope' | 'ok';
export interface Finding {
  level: FindingLevel;
  code: FindingCode;
  message: string;
}
export interface InstallCheck {
  /** The worker URL that was (or would have been) fetched. */
  url: string;
  ok: boolean;
  findings: Finding[];
}

export const CHECK_TIMEOUT_MS = 5000;
export const CHECK_MAX_BYTES = 64 * 1024;
const JS_TYPES = /^(text|application)\/(x-)?(java|ecma)script$/i;

const err = (code: FindingCode, message: string): Finding => ({ level: 'error', code, message });

/**
 * Whether the file loads Pushdeck's worker for this project from this server: the one-line
 * `importScripts('<base>/sdk/v1/sw.js?project=<slug>')`, or a saved copy of that worker (it starts
 * with `self.PUSHDECK_CONFIG={"base":…,"project":…}`). Null when it does; else what is wrong.
 */
export function workerProblem(source: string, url: string, base: string, slug: string): string | null {
  const imports = [...source.matchAll(/importScripts\s*\(\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]!);
  for (const raw of imports) {
    let u: URL;
    try {
      u = new URL(raw, url);
    } catch {
      continue;
    }
    if (u.pathname !== '/sdk/v1/sw.js') continue;
    if (u.origin !== base)
      return `The service worker ${url} loads Pushdeck's worker from ${u.origin}, not from this Pushdeck server (${base}): copy the one-line file from the Install page again.`;
    if (u.searchParams.get('project') !== slug) return installMessages.workerWrongProject(url, slug);
    return null;
  }
  const copy = /PUSHDECK_CONFIG\s*=\s*(\{[^;\n]*\})/.exec(source);
  if (copy) {
    try {
      const c = JSON.parse(copy[1]!) as { base?: unknown; project?: unknown };
      if (c.base !== base)
        return `The service worker ${url} is a copy of Pushdeck's worker for ${String(c.base)}, not for this Pushdeck server (${base}): download it again from the Install page.`;
      if (c.project !== slug) return installMessages.workerWrongProject(url, slug);
      return null;
    } catch {
      // Not the configuration line Pushdeck writes: fall through to "does not load the worker".
    }
  }
  return installMessages.workerWrongProject(url, slug);
}

/**
 * Checks the installation at `input.url` (a listed origin; its path, when not `/`, is the worker's
 * path). `base` is this Pushdeck server's origin as the site's snippet names it.
 */
export async function checkInstallation(ctx: Ctx, input: unknown, base: string): Promise<InstallCheck> {
  assertCan(ctx, INSTALL_READ);
  const parsed = installCheckSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  const given = parsed.data.url;
  const worker = new URL(given.pathname === '/' && !given.search ? SITE_WORKER_PATH : given.pathname + given.search, given.origin);
  const url = worker.toString();

  const [project] = await ctx.db.select({ origins: projects.origins }).from(projects).where(eq(projects.id, ctx.project.id));
  if (!project) throw new AppError('not_found', 'This project no longer exists.');
  // Listed by name: a project open to `*` still names the sites the server may fetch from.
  if (!project.origins.includes(worker.origin)) {
    const extra = project.origins.includes('*') ? ' (the project allows any origin with *, but only origins listed by name are checked)' : '';
    return { url, ok: false, findings: [err('origin-not-listed', originNotAllowedMessage(worker.origin, ctx.project.slug) + extra)] };
  }

  let res: Response;
  try {
    // Never followed: browsers refuse to register a worker whose script redirects at all.
    res = await fetch(worker, {
      redirect: 'manual',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      headers: { accept: 'text/javascript, */*;q=0.1', 'service-worker': 'script' },
    });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${CHECK_TIMEOUT_MS / 1000} s` : 'the site could not be reached';
    return { url, ok: false, findings: [err('unreachable', `The service worker ${url} could not be fetched (${why}). Is the site up at that address?`)] };
  }
  const findings: Finding[] = [];
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    const location = res.headers.get('location');
    const to = location && URL.canParse(location, worker) ? ` to ${new URL(location, worker).toString()}` : '';
    findings.push(
      err(
        'redirect',
        `The service worker ${url} redirects${to}: browsers do not follow redirects for service workers. Serve the file itself at ${worker.pathname}.`,
      ),
    );
    return { url, ok: false, findings };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    findings.push(err('not-found', installMessages.workerNotFound(url, res.status)));
    return { url, ok: false, findings };
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!JS_TYPES.test(type)) findings.push(err('content-type', installMessages.workerNotJavaScript(url, type)));
  const source = (await readCapped(res.body, CHECK_MAX_BYTES))?.toString('utf8') ?? null;
  if (source === null) {
    findings.push(
      err(
        'too-large',
        `The service worker ${url} is larger than ${CHECK_MAX_BYTES / 1024} KiB: it is not Pushdeck's one-line file. Put the file from the Install page there.`,
      ),
    );
  } else {
    const problem = workerProblem(source, url, base, ctx.project.slug);
    if (problem) findings.push(err('wrong-worker', problem));
  }
  // A worker's scope is at most its own directory, unless the server widens it with this header.
  const dir = worker.pathname.slice(0, worker.pathname.lastIndexOf('/') + 1);
  const allowed = res.headers.get('service-worker-allowed')?.trim();
  if (dir !== '/' && allowed !== '/') findings.push(err('scope', installMessages.workerScope(url)));
  if (!findings.some((f) => f.level === 'error')) {
    findings.push({
      level: 'ok',
      code: 'ok',
      message: `All good: ${url} loads Pushdeck's worker for project "${ctx.project.slug}" from ${base}, with scope "/".`,
    });
  }
  return { url, ok: !findings.some((f) => f.level === 'error'), findings };
}
