'use client';
import { useId, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmAction, dangerGhostClass } from '@/components/ui/confirm-action';
import { describedBy } from '@/components/ui/field-error';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SaveCancel, SubmitButton } from '@/components/ui/submit-button';
import { Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { useActionForm } from '@/components/ui/use-action-form';
import { activateVapidKeyAction, deleteVapidKeyAction, retireVapidKeyAction, updateVapidKeyAction } from '../actions';
import { ContactHint } from './key-fields';
import { CopyButton } from '@/components/ui/copy-button';

/** What the page hands to the browser about a key: public fields only, picked one by one. */
export type KeyView = {
  id: string;
  name: string;
  publicKey: string;
  subject: string;
  status: 'standby' | 'active' | 'retired';
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  activeSubscriptions: number;
  placeholderSubject: boolean;
};

const KEY_COLUMNS = 5;

const statusTone = { active: 'green', standby: 'gray', retired: 'yellow' } as const;
const statusLabel = { active: 'Active', standby: 'Standby', retired: 'Retired' } as const;

function plural(n: number, one: string, many: string) {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** Why a key cannot be deleted yet, or null when it can. */
function deleteBlocker(k: KeyView): string | null {
  if (k.status === 'active') return 'The active key cannot be deleted. Activate another key first.';
  if (k.activeSubscriptions > 0) {
    return `${plural(k.activeSubscriptions, 'active subscription still uses', 'active subscriptions still use')} this key. It can be deleted once they have moved to the active key.`;
  }
  return null;
}

export function KeyRow({ k }: { k: KeyView }) {
  const label = k.name || `${k.publicKey.slice(0, 12)}…`;
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // Feedback belongs to the form submitted last.
  const [lastForm, setLastForm] = useState<'activate' | 'retire' | 'edit' | 'delete' | null>(null);
  const { state: activateState, formAction: activateAction } = useActionForm(activateVapidKeyAction);
  const { state: retireState, formAction: retireAction } = useActionForm(retireVapidKeyAction);
  // The confirmation stays (its button pending) until the server answers.
  const { state: deleteState, formAction: deleteAction } = useActionForm(deleteVapidKeyAction, { onSettled: () => setConfirming(false) });
  const edit = useActionForm(updateVapidKeyAction, { onSuccess: () => setEditing(false) });
  const { state: editState, fieldErrors: editFe, values: editValues } = edit;

  const last =
    lastForm === 'activate'
      ? activateState
      : lastForm === 'retire'
        ? retireState
        : lastForm === 'delete'
          ? deleteState
          : lastForm === 'edit'
            ? editState
            : null;
  const rowError = last && !last.ok && lastForm !== 'edit' ? last.error : null;
  // A success message holds only while the key is still in the state it reports.
  const feedback = rowError
    ? { error: true, text: Object.values(rowError.fieldErrors ?? {})[0]?.[0] ?? rowError.message }
    : last?.ok && last.message && last.data?.status === k.status
      ? { error: false, text: last.message }
      : null;
  const blocker = deleteBlocker(k);
  const editId = `${uid}-edit`;

  return (
    <>
      <tr data-testid="vapid-key-row" data-key-id={k.id} className={feedback ? 'border-b-0' : undefined}>
        <Td>
          <div className="font-medium text-slate-900">{k.name || <span className="text-slate-500 italic">Unnamed key</span>}</div>
          <div className="mt-1 flex items-center gap-2">
            <code data-testid="public-key" title={k.publicKey} className="block max-w-[10rem] truncate font-mono text-xs text-slate-600">
              {k.publicKey}
            </code>
            <CopyButton text={k.publicKey} label={`Copy public key of ${label}`} what="the public key" />
          </div>
          <div className="mt-1 text-xs text-slate-500">
            Created <Time value={k.createdAt} />
          </div>
        </Td>
        <Td>
          <Badge tone={statusTone[k.status]} data-testid="status">
            {statusLabel[k.status]}
          </Badge>
          {k.status === 'active' && k.activatedAt && (
            <div className="mt-1 text-xs text-slate-500">
              since <Time value={k.activatedAt} />
            </div>
          )}
          {k.status === 'retired' && k.retiredAt && (
            <div className="mt-1 text-xs text-slate-500">
              since <Time value={k.retiredAt} />
            </div>
          )}
        </Td>
        <Td className="max-w-[14rem]">
          <div className="break-all" data-testid="contact">
            {k.subject}
          </div>
          {k.placeholderSubject && (
            <Badge tone="orange" className="mt-1" title="Push services use the contact to reach you; Apple may refuse placeholder contacts.">
              Placeholder: set a real contact
            </Badge>
          )}
        </Td>
        <Td className="text-right tabular-nums">
          <span data-testid="subscriptions">{k.activeSubscriptions.toLocaleString('en')}</span>
        </Td>
        <Td className="text-right">
          <ConfirmAction
            open={confirming}
            onCancel={() => setConfirming(false)}
            action={deleteAction}
            onSubmit={() => setLastForm('delete')}
            fields={{ id: k.id }}
            className="ml-auto"
            question={<>Delete “{label}” for good? Its private key cannot be recovered.</>}
            confirm="Delete"
            confirmLabel={`Confirm deleting key ${label}`}
            pendingText="Deleting…"
          >
            {/* Two short rows keep the column narrow: status changes above, upkeep below. */}
            <div className="relative flex flex-col items-end gap-1 whitespace-nowrap">
              {k.status !== 'active' && (
                <div className="flex items-center gap-1.5">
                  <form action={activateAction} onSubmit={() => setLastForm('activate')}>
                    <input type="hidden" name="id" value={k.id} />
                    <SubmitButton variant="secondary" size="sm" pendingText="Activating…" aria-label={`Activate key ${label}`}>
                      Activate
                    </SubmitButton>
                  </form>
                  {k.status === 'standby' && (
                    <form action={retireAction} onSubmit={() => setLastForm('retire')}>
                      <input type="hidden" name="id" value={k.id} />
                      <SubmitButton variant="ghost" size="sm" pendingText="Retiring…" aria-label={`Retire key ${label}`}>
                        Retire
                      </SubmitButton>
                    </form>
                  )}
                </div>
              )}
              <div className="flex items-center gap-1.5">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Edit key ${label}`}
                  aria-expanded={editing}
                  aria-controls={editId}
                  onClick={() => setEditing((v) => !v)}
                >
                  Edit
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  className={dangerGhostClass}
                  aria-label={`Delete key ${label}`}
                  disabled={!!blocker}
                  title={blocker ?? undefined}
                  aria-describedby={blocker ? `${uid}-blocker` : undefined}
                  onClick={() => setConfirming(true)}
                >
                  Delete
                </Button>
              </div>
              {blocker && (
                <span id={`${uid}-blocker`} className="sr-only">
                  {blocker}
                </span>
              )}
            </div>
          </ConfirmAction>
        </Td>
      </tr>
      {feedback && (
        <tr>
          <td colSpan={KEY_COLUMNS} className="px-4 pt-0 pb-3 text-right">
            <p className={cn('text-xs', feedback.error ? 'font-medium text-red-600' : 'text-emerald-700')} role={feedback.error ? 'alert' : 'status'}>
              {feedback.text}
            </p>
          </td>
        </tr>
      )}
      {editing && (
        <tr id={editId} className="bg-slate-50/70">
          <td colSpan={KEY_COLUMNS} className="px-4 py-4">
            <form action={edit.formAction} onSubmit={() => setLastForm('edit')} noValidate aria-label={`Edit key ${label}`} className="space-y-3">
              {edit.formError && <Notice tone="error">{edit.formError}</Notice>}
              <input type="hidden" name="id" value={k.id} />
              <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
                <Field label="Name" htmlFor={`${uid}-name`} errors={editFe?.name}>
                  <Input
                    name="name"
                    autoComplete="off"
                    maxLength={80}
                    defaultValue={editValues?.name ?? k.name}
                    aria-describedby={describedBy(`${uid}-name`, editFe?.name, false)}
                  />
                </Field>
                <Field label="Contact" htmlFor={`${uid}-subject`} hint={<ContactHint />} errors={editFe?.subject}>
                  <Input
                    name="subject"
                    autoComplete="off"
                    spellCheck={false}
                    defaultValue={editValues?.subject ?? (k.placeholderSubject ? '' : k.subject)}
                    placeholder="mailto:push@example.com"
                  />
                </Field>
              </div>
              <SaveCancel onCancel={() => setEditing(false)} />
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
