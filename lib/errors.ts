/**
 * The one error type services throw on purpose. Edges (route handlers, server actions) map its
 * code to an HTTP status and a user-facing message; anything that is not an AppError is
 * unexpected: logged once at the edge, and answered with a generic message.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  /** Seconds a client should wait (rate limits). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; fieldErrors?: FieldErrors; retryAfter?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Turns a zod error into field errors keyed by dotted path ('' for the form as a whole). */
export function zodFieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.');
    (out[key] ??= []).push(i.message);
  }
  return out;
}

export function validationError(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, message = 'Some fields need attention.'): AppError {
  return new AppError('validation_failed', message, { fieldErrors: zodFieldErrors(issues) });
}

/**
 * Connection-level failures of the database (the server is down, restarting, or refusing
 * connections), found anywhere in the `cause` chain (Drizzle wraps driver errors). Callers answer
 * these with 503 and Retry-After: the request may well succeed in a moment.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

export function isDatabaseUnavailable(e: unknown): boolean {
  return hasCode(e, UNAVAILABLE_CODES);
}

const REFUSED_CODES = new Set(['ECONNREFUSED', 'CONNECT_TIMEOUT', '57P03']);

/** The server is not taking connections at all (down, or starting up): retrying at once is pointless. */
export function isConnectionRefused(e: unknown): boolean {
  return hasCode(e, REFUSED_CODES);
}

function hasCode(e: unknown, codes: Set<string>): boolean {
  for (let cur = e, depth = 0; cur && depth < 6; depth++) {
    const err = cur as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && codes.has(err.code)) return true;
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1)
    if (Array.isArray(err.errors) && err.errors.some((x) => hasCode(x, codes))) return true;
    cur = err.cause;
  }
  return false;
}

/**
 * postgres.js runs a catalog query (array types) first on every new connection and drops its
 * promise: when that query fails (its connection cut by a database restart, or the query cancelled
 * by a statement_timeout), the rejection is unhandled and no caller can catch it
 * (porsager/postgres#1192, #1205, #1223). The pool carries on; this recognises that one rejection
 * so it can be logged instead of taking the process down.
 */
export function isDriverTypeFetchFailure(e: unknown): boolean {
  const query = (e as { query?: unknown } | null)?.query;
  return typeof query === 'string' && query.includes('pg_catalog.pg_type') && query.includes("typcategory = 'A'");
}
