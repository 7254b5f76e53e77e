'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/server/actions';
import type { KeyRef } from '../actions';

type RevokeAction = (prev: ActionState<KeyRef>, fd: FormData) => Promise<ActionState<KeyRef>>;

/**
 * Revoke in two steps: the first click asks, naming what stops working; the second revokes.
 * Used for API keys and token verification keys alike.
 */
export function RevokeButton({ id, label, what, consequence, action }: { id: string; label: string; what: string; consequence: string; action: RevokeAction }) {
  const [confirming, setConfirming] = useState(false);
  // The confirmation stays (its button pending) until the server answers.
  const [state, formAction] = useActionState(async (prev: ActionState<KeyRef>, fd: FormData) => {
    const res = await action(prev, fd);
    setConfirming(false);
    return res;
  }, null);
  const error = state && !state.ok ? (Object.values(state.error.fieldErrors ?? {})[0]?.[0] ?? state.error.message) : null;

  return (
    <div className="flex flex-col items-end gap-1">
      {confirming ? (
        <form action={formAction} className="flex max-w-xs flex-col items-end gap-1.5">
          <input type="hidden" name="id" value={id} />
          <p className="text-right text-xs whitespace-normal text-slate-600">
            Revoke “{label}”? {consequence}
          </p>
          <div className="flex gap-1.5">
            <SubmitButton variant="danger" size="sm" pendingText="Revoking…" aria-label={`Confirm revoking ${what} ${label}`}>
              Revoke
            </SubmitButton>
            {/* Focus moves to the safe choice, so a second Enter does not revoke. */}
            <Button variant="ghost" size="sm" autoFocus onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <Button
          variant="ghost"
          size="sm"
          className="text-red-700 hover:bg-red-50 hover:text-red-800"
          aria-label={`Revoke ${what} ${label}`}
          onClick={() => setConfirming(true)}
        >
          Revoke
        </Button>
      )}
      {error && (
        <p className="text-right text-xs font-medium text-red-600" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
