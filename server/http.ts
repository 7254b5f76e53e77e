/**
 * Route-handler plumbing: every error leaves as `{"error":{"code","message"}}` with the status
 * its code maps to. Unexpected errors are logged once with a reference and answered generically.
 *
 * Three wrappers, one per kind of edge, so a route file only parses its transport and calls a
 * service: `route()` (errors only), `publicRoute()` (a visitor: per-address rate limit, CORS on
 * every answer, a public Ctx) and `apiRoute()` (a program: bearer credential, per-key limit, its
 * Ctx). Both read a JSON body with a size cap when given `body`.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import { getDb } from '../db';
import { apiCtx, bearerOf } from './api/auth';
import { makeCtx, type Ctx } from './context';
import { corsFor, originRefusal, requestedProject, resolveProject } from './projects/resolve';
import { AppError, isAppError, isDatabaseUnavailable } from '../lib/errors';
import { config } from '../lib/env';
import { clientIp } from '../lib/http/client-ip';
import { readCapped } from '../lib/http/read-capped';
import { TokenBuckets } from '../lib/http/rate-limit';
import { textProblem } from '../lib/text';
import { logger } from '../lib/logger';

export function jsonError(e: unknown, where: string): Response {
  if (isAppError(e)) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (e.retryAfter) headers['retry-after'] = String(e.retryAfter);
    if (e.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
    const body: { error: { code: string; message: string; fields?: Record<string, string[]> } } = {
      error: { code: e.code, message: e.message },
    };
    if (e.fieldErrors) body.error.fields = e.fieldErrors;
    return new Response(JSON.stringify(body), { status: e.status, headers });
  }
  const ref = randomUUID().slice(0, 8);
  if (isDatabaseUnavailable(e)) {
    // The database is down or restarting: worth a retry in a moment, not a server error.
    logger.warn('http.database-unavailable', { where, ref, err: e });
    return Response.json(
      { error: { code: 'unavailable', message: `The service is briefly unavailable (reference ${ref}). Try again in a few seconds.` } },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
    );
  }
  logger.error('http.unhandled', { where, ref, err: e });
  return Response.json(
    { error: { code: 'internal', message: `Internal error (reference ${ref}).` } },
    { status: 500, headers: { 'cache-control': 'no-store' } },
  );
}

export function route<A extends unknown[]>(where: string, fn: (...args: A) => Promise<Response>, opts: { headers?: Record<string, string> } = {}) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (e) {
      const res = jsonError(e, where);
      return opts.headers ? withHeaders(res, opts.headers) : res;
    }
  };
}

/**
 * Reads a JSON body with a size cap, checking the media type. Bodies are streamed so an
 * oversized one is cut off at the cap, not buffered whole.
 */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`);
  }
  if (!req.body) throw new AppError('bad_request', 'The request has no body.');
  const bytes = await readCapped(req.body, maxBytes);
  if (bytes === null) throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new AppError('bad_request', 'The request body is empty.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON.');
  }
  // NUL characters, unpaired surrogates and absurd nesting cannot be stored or serialised.
  const problem = textProblem(value);
  if (problem) throw new AppError('bad_request', problem);
  return value;
}

/**
 * The public push API's CORS headers; `Access-Control-Allow-Origin` is then set per project
 * (corsFor: its listed origins, or `*` where it lists `*`).
 */
export const PUBLIC_CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, idempotency-key, if-none-match',
  'access-control-expose-headers': 'etag, retry-after',
  'access-control-max-age': '600',
};

export function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) {
    if (k === 'vary') res.headers.append('vary', v);
    else res.headers.set(k, v);
  }
  return res;
}

let publicBuckets: TokenBuckets | undefined;

/** Per-client-IP limit for the public API; throws `rate_limited` with Retry-After. */
export function limitPublic(req: Request): void {
  const perMinute = config().PUBLIC_API_RATE_PER_MINUTE;
  publicBuckets ??= new TokenBuckets(perMinute);
  const t = publicBuckets.take(clientIp(req.headers) ?? 'unknown');
  if (!t.ok) throw new AppError('rate_limited', 'Too many requests from this address. Slow down.', { retryAfter: t.retryAfter });
}

/** What a wrapped handler receives: its context, the request, the path parameters and the body (when read). */
export interface Call<P> {
  ctx: Ctx;
  req: Request;
  params: P;
  body: unknown;
}

type RouteContext<P> = { params: Promise<P> };

async function paramsOf<P>(rc: RouteContext<P> | undefined): Promise<P> {
  return (rc ? await rc.params : {}) as P;
}

export interface PublicRouteOptions {
  /** Read a JSON body of at most this many bytes. */
  body?: number;
  /** The per-address limit (PUBLIC_API_RATE_PER_MINUTE); off for cacheable reads. Default on. */
  limit?: boolean;
  /** CORS headers on every answer, errors included. Default PUBLIC_CORS. */
  cors?: Record<string, string>;
}

/**
 * A route visitors' browsers call from the project's sites: in the project the request names
 * (`?project=<slug>` or `Pushdeck-Project`, else the default one; an unknown slug is a 404),
 * rate-limited per address, with CORS for the project's listed origins on every answer. A browser
 * request from another site the project does not list is a 403 that names the origin
 * (`originRefusal`): the site SDK shows it, so a missing origin is one message away from fixed.
 */
export function publicRoute<P = Record<string, never>>(where: string, fn: (call: Call<P>) => Promise<Response>, opts: PublicRouteOptions = {}) {
  const base = opts.cors ?? PUBLIC_CORS;
  return async (req: Request, rc?: RouteContext<P>): Promise<Response> => {
    // Errors before the project is known (rate limited, unknown project) are readable from any
    // origin, as before projects: they say nothing about any project.
    let cors = base;
    try {
      if (opts.limit !== false) limitPublic(req);
      const db = await getDb();
      const project = await resolveProject(db, requestedProject(req));
      cors = corsFor(base, project.origins, req.headers.get('origin'));
      const refused = originRefusal(req, project.ref.slug, project.origins);
      if (refused) {
        // Readable by that origin (this answer only), so the site SDK can print what to fix.
        if (refused.origin) cors = { ...cors, 'access-control-allow-origin': refused.origin };
        throw refused.error;
      }
      const body = opts.body === undefined ? undefined : await readJson(req, opts.body);
      const ctx = makeCtx(db, { kind: 'public', ip: clientIp(req.headers) }, { project: project.ref });
      return withHeaders(await fn({ ctx, req, params: await paramsOf(rc), body }), cors);
    } catch (e) {
      return withHeaders(jsonError(e, where), cors);
    }
  };
}

/** The preflight answer for a public route: the project's CORS, or a 404 for an unknown project. */
export function publicOptions(base: Record<string, string> = PUBLIC_CORS) {
  return route('OPTIONS public', async (req: Request) => {
    const project = await resolveProject(await getDb(), requestedProject(req));
    const headers = corsFor(base, project.origins, req.headers.get('origin'));
    // An origin the project does not list passes the preflight so that the request itself gets
    // its readable 403 (which names the origin); the request is refused there, never served.
    const refused = originRefusal(req, project.ref.slug, project.origins);
    if (refused?.origin && Object.keys(headers).length) headers['access-control-allow-origin'] = refused.origin;
    return new Response(null, { status: 204, headers });
  });
}

export interface ApiRouteOptions {
  /** Read a JSON body of at most this many bytes (after authenticating, unless `credential` needs it). */
  body?: number;
  /** Where the credential is when not in `Authorization: Bearer` (notiflux's /broadcast: the body). */
  credential?: (body: unknown) => string | null;
}

/** A route programs call: authenticated by API key or signed token, rate-limited per key. */
export function apiRoute<P = Record<string, never>>(where: string, fn: (call: Call<P>) => Promise<Response>, opts: ApiRouteOptions = {}) {
  return route(where, async (req: Request, rc?: RouteContext<P>) => {
    const read = () => (opts.body === undefined ? undefined : readJson(req, opts.body));
    let body: unknown;
    let ctx: Ctx;
    if (opts.credential) {
      body = await read();
      ctx = await apiCtx(await getDb(), req, opts.credential(body));
    } else {
      ctx = await apiCtx(await getDb(), req, bearerOf(req));
      body = await read();
    }
    return fn({ ctx, req, params: await paramsOf(rc), body });
  });
}
