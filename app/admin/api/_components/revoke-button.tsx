'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmAction, dangerGhostClass } from '@/components/ui/confirm-action';
import { useActionForm } from '@/components/ui/use-action-form';
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
  const { formAction, firstError: error } = useActionForm(action, { onSettled: () => setConfirming(false) });

  return (
    <div className="flex flex-col items-end gap-1">
      <ConfirmAction
        open={confirming}
        onCancel={() => setConfirming(false)}
        action={formAction}
        fields={{ id }}
        question={
          <>
            Revoke “{label}”? {consequence}
          </>
        }
        questionClassName="whitespace-normal"
        confirm="Revoke"
        confirmLabel={`Confirm revoking ${what} ${label}`}
        pendingText="Revoking…"
      >
        <Button variant="ghost" size="sm" className={dangerGhostClass} aria-label={`Revoke ${what} ${label}`} onClick={() => setConfirming(true)}>
          Revoke
        </Button>
      </ConfirmAction>
      {error && (
        <p className="text-right text-xs font-medium text-red-600" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
