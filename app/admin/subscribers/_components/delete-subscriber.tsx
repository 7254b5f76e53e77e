'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmAction } from '@/components/ui/confirm-action';
import { Notice } from '@/components/ui/notice';
import { useActionForm } from '@/components/ui/use-action-form';
import { deleteSubscriberAction } from '../actions';

/** Delete, in two steps: the first click explains what goes, the second deletes. */
export function DeleteSubscriber({ id, label }: { id: string; label: string }) {
  const { state, formAction } = useActionForm(deleteSubscriberAction);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-3">
      {state && !state.ok && <Notice tone="error">{state.error.message}</Notice>}
      <ConfirmAction
        open={confirming}
        onCancel={() => setConfirming(false)}
        action={formAction}
        fields={{ id }}
        layout="panel"
        label={`Delete subscriber ${label}`}
        question="This removes the subscription for good, with its topics and its delivery history. The browser gets no more notifications unless its owner subscribes again on the public page."
        confirm="Yes, delete subscriber"
        pendingText="Deleting…"
      >
        <Button variant="secondary" className="text-red-700! hover:bg-red-50" onClick={() => setConfirming(true)}>
          Delete subscriber
        </Button>
      </ConfirmAction>
    </div>
  );
}
