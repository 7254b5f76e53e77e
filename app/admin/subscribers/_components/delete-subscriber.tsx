'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { deleteSubscriberAction } from '../actions';

/** Delete, in two steps: the first click explains what goes, the second deletes. */
export function DeleteSubscriber({ id, label }: { id: string; label: string }) {
  const [state, action] = useActionState(deleteSubscriberAction, null);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-3">
      {state && !state.ok && <Notice tone="error">{state.error.message}</Notice>}
      {!confirming ? (
        <Button variant="secondary" className="text-red-700! hover:bg-red-50" onClick={() => setConfirming(true)}>
          Delete subscriber
        </Button>
      ) : (
        <form action={action} className="space-y-3 rounded-lg bg-red-50 p-4 ring-1 ring-red-200 ring-inset" aria-label={`Delete subscriber ${label}`}>
          <input type="hidden" name="id" value={id} />
          <p className="text-sm text-red-900">
            This removes the subscription for good, with its topics and its delivery history. The browser gets no more notifications unless its owner subscribes
            again on the public page.
          </p>
          <div className="flex flex-wrap gap-2">
            <SubmitButton variant="danger" pendingText="Deleting…">
              Yes, delete subscriber
            </SubmitButton>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
