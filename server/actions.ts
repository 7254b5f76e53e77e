/**
 * The one wrapper every server action goes through: resolve the caller and check the permission
 * (server actions are public HTTP endpoints: a hidden button protects nothing), run one service,
 * and turn the outcome into a typed result for `useActionState`.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import { unstable_rethrow } from 'next/navigation';
import type { Permission } from '../lib/auth/roles';
import { AppError, isAppError, isDatabaseUnavailable, type ErrorCode, type FieldErrors } from '../lib/errors';
import { textProblem } from '../lib/text';
import { logger } from '../lib/logger';
import { requireAccountCtx, requireCtx } from './auth/session';
import type { Ctx } from './context';

export type ActionError = {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
  /** The submitted non-secret values, so the form can show them again (React resets forms). */
  values?: Record<string, string>;
};
export type ActionResult<T = unknown> = { ok: true; data: T; message?: string } | { ok: false; error: ActionError };
/** The initial state for `useActionState`. */
export type ActionState<T = unknown> = ActionResult<T> | null;

export function toActionError(e: unknown, where: string): ActionError {
  if (isAppError(e)) return { code: e.code, message: e.message, fieldErrors: e.fieldErrors };
  const ref = randomUUID().slice(0, 8);
  if (isDatabaseUnavailable(e)) {
    logger.warn('action.database-unavailable', { action: where, ref, err: e });
    return { code: 'unavailable', message: `The database is briefly unavailable (reference ${ref}). Nothing was saved; try again in a few seconds.` };
  }
  logger.error('action.failed', { action: where, ref, err: e });
  return { code: 'internal', message: `Something went wrong on our side (reference ${ref}). Try again.` };
}

/**
 * `permission`: what the caller needs in the URL's project; `'account'` for what concerns only the
 * caller's own account (any signed-in user, in no project unless they are a member of the URL's).
 */
export async function runAction<T>(
  name: string,
  permission: Permission | 'account',
  fn: (ctx: Ctx) => Promise<T>,
  opts: { message?: string | ((data: T) => string); form?: FormData } = {},
): Promise<ActionResult<T>> {
  try {
    const ctx = permission === 'account' ? await requireAccountCtx() : await requireCtx(permission);
    if ('form' in opts && !isFormData(opts.form)) throw new AppError('bad_request', NOT_A_FORM);
    const data = await fn({ ...ctx, log: ctx.log.child({ action: name }) });
    const message = typeof opts.message === 'function' ? opts.message(data) : opts.message;
    return { ok: true, data, message };
  } catch (e) {
    unstable_rethrow(e); // redirect() / notFound() must propagate
    return { ok: false, error: { ...toActionError(e, name), values: echoValues(opts.form) } };
  }
}

const NOT_A_FORM = 'This action takes a form: send its fields as multipart/form-data.';

/** A form action can be posted anything (one JSON value, nothing): check before reading fields. */
export function isFormData(v: unknown): v is FormData {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as FormData).get === 'function' &&
    typeof (v as FormData).getAll === 'function' &&
    typeof (v as FormData).entries === 'function'
  );
}

const SECRET_FIELD = /pass|confirm|secret|token|private|key$/i;

/** The form's values minus anything secret: passwords are never sent back to the page. */
export function echoValues(fd: unknown): Record<string, string> | undefined {
  if (!isFormData(fd)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(formEntries(fd))) if (!SECRET_FIELD.test(k)) out[k] = v.replace(/\u0000/g, '');
  return out;
}

/** FormData → plain object (first value per key; Next's internal `$ACTION_` fields dropped). */
function formEntries(fd: FormData): Record<string, string> {
  if (!isFormData(fd)) throw new AppError('bad_request', NOT_A_FORM);
  const out: Record<string, string> = {};
  for (const [k, v] of fd.entries()) {
    if (k.startsWith('$ACTION') || k in out) continue;
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * The form's fields for a service, refusing text the database cannot store (NUL characters,
 * unpaired surrogates) with a validation error on that field.
 */
export function formObject(fd: FormData): Record<string, string> {
  const out = formEntries(fd);
  const fieldErrors: FieldErrors = {};
  for (const [k, v] of Object.entries(out)) {
    const problem = textProblem(v, 'This field');
    if (problem) fieldErrors[k] = [problem];
  }
  if (Object.keys(fieldErrors).length) throw new AppError('validation_failed', 'Some fields hold characters that cannot be saved.', { fieldErrors });
  return out;
}
