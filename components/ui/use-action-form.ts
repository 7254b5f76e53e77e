'use client';
import { useActionState } from 'react';
import type { FieldErrors } from '@/lib/errors';

/**
 * The result every form action returns (server/actions.ts `ActionResult`), as the forms read it.
 * Spelled out here because components/ do not import server/; the real type fits it.
 */
export type FormResult<T = unknown> =
  { ok: true; data: T; message?: string } | { ok: false; error: { message: string; fieldErrors?: FieldErrors; values?: Record<string, string> } };
/** What `useActionState` holds: nothing before the first submit. */
export type FormState<T = unknown> = FormResult<T> | null;

export type ActionFormOptions<S> = {
  /** Runs when the action succeeds, before its state shows (reset local state, close an editor). */
  onSuccess?: (result: S) => void;
  /** Runs after every answer, good or bad (close a confirmation). */
  onSettled?: (result: S) => void;
};

/**
 * `useActionState` for the house result shape: the state, the form action and whether it runs,
 * plus what every form reads from a refusal: the field errors (`fieldError(name)`), the values to
 * show again (React resets a form after its action), the form-level error (a refusal no field is
 * to blame for) and the first error of any kind (for one line under a row).
 */
export function useActionForm<S extends FormState>(action: (prev: S, fd: FormData) => Promise<S>, { onSuccess, onSettled }: ActionFormOptions<S> = {}) {
  const [state, formAction, pending] = useActionState<S, FormData>(async (prev, fd) => {
    const res = await action(prev as S, fd);
    if (res?.ok) onSuccess?.(res);
    onSettled?.(res);
    return res;
  }, null as Awaited<S>);
  const failure = state && !state.ok ? state.error : undefined;
  const fieldErrors = failure?.fieldErrors;
  return {
    state,
    formAction,
    pending,
    fieldErrors,
    fieldError: (name: string): string[] | undefined => fieldErrors?.[name],
    values: failure?.values,
    /** The refusal's message when no field is to blame (shown above the form). */
    formError: failure && !fieldErrors ? failure.message : null,
    /** The first field error, else the refusal's message: for a one-line answer. */
    firstError: failure ? (Object.values(fieldErrors ?? {})[0]?.[0] ?? failure.message) : null,
  };
}
