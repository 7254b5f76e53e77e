'use client';
import { useId, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmAction, dangerGhostClass } from '@/components/ui/confirm-action';
import { Field, Input, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SaveCancel } from '@/components/ui/submit-button';
import { Td } from '@/components/ui/table';
import { useActionForm } from '@/components/ui/use-action-form';
import { deleteTopicAction, updateTopicAction } from '../actions';
import { PublicCheckbox } from './public-checkbox';

export type TopicView = { id: string; slug: string; name: string; description: string; isPublic: boolean; activeSubscribers: number };

export function TopicRow({ t, manage, columns }: { t: TopicView; manage: boolean; columns: number }) {
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [lastForm, setLastForm] = useState<'edit' | 'delete' | null>(null);
  // The confirmation stays (its button pending) until the server answers.
  const { state: deleteState, formAction: deleteAction } = useActionForm(deleteTopicAction, { onSettled: () => setConfirming(false) });
  const edit = useActionForm(updateTopicAction, { onSuccess: () => setEditing(false) });
  const { state: editState, fieldErrors: fe, values } = edit;

  const last = lastForm === 'delete' ? deleteState : lastForm === 'edit' ? editState : null;
  // Edit errors show in the edit form; a delete error or a save confirmation shows under the row.
  const feedback =
    last && !last.ok && lastForm === 'delete'
      ? { error: true, text: last.error.message }
      : last?.ok && last.message
        ? { error: false, text: last.message }
        : null;
  const editId = `${uid}-edit`;
  const n = t.activeSubscribers;

  return (
    <>
      <tr data-testid={`topic-row-${t.slug}`} className={manage && feedback ? 'border-b-0' : undefined}>
        <Td>
          <div className="font-medium text-slate-900">{t.name}</div>
          <code className="font-mono text-xs whitespace-nowrap text-slate-500" data-testid="slug">
            {t.slug}
          </code>
        </Td>
        <Td>
          {t.isPublic ? (
            <Badge tone="green" data-testid="visibility" title="Listed on the subscribe page">
              Public
            </Badge>
          ) : (
            <Badge tone="gray" data-testid="visibility" title="Assigned by programs only">
              Private
            </Badge>
          )}
        </Td>
        <Td className="min-w-48 max-w-sm text-slate-600">{t.description || <span className="text-slate-400">—</span>}</Td>
        <Td className="text-right tabular-nums">
          <span data-testid="subscribers">{n.toLocaleString('en')}</span>
        </Td>
        {manage && (
          <Td className="text-right">
            <ConfirmAction
              open={confirming}
              onCancel={() => setConfirming(false)}
              action={deleteAction}
              onSubmit={() => setLastForm('delete')}
              fields={{ id: t.id }}
              className="ml-auto"
              question={
                <>
                  Delete “{t.name}”?{' '}
                  {n > 0
                    ? `Its ${n.toLocaleString('en')} subscriber${n === 1 ? '' : 's'} keep${n === 1 ? 's' : ''} their other topics; only this one is removed.`
                    : 'Subscribers keep their other topics; only this one is removed.'}
                </>
              }
              confirm="Delete"
              confirmLabel={`Confirm deleting topic ${t.name}`}
              pendingText="Deleting…"
            >
              <div className="flex items-center justify-end gap-1.5">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Edit topic ${t.name}`}
                  aria-expanded={editing}
                  aria-controls={editId}
                  onClick={() => setEditing((v) => !v)}
                >
                  Edit
                </Button>
                <Button variant="ghost" size="sm" className={dangerGhostClass} aria-label={`Delete topic ${t.name}`} onClick={() => setConfirming(true)}>
                  Delete
                </Button>
              </div>
            </ConfirmAction>
          </Td>
        )}
      </tr>
      {manage && feedback && (
        <tr>
          <td colSpan={columns} className="px-4 pt-0 pb-3 text-right">
            <p className={cn('text-xs', feedback.error ? 'font-medium text-red-600' : 'text-emerald-700')} role={feedback.error ? 'alert' : 'status'}>
              {feedback.text}
            </p>
          </td>
        </tr>
      )}
      {manage && editing && (
        <tr id={editId} className="bg-slate-50/70">
          <td colSpan={columns} className="px-4 py-4">
            <form action={edit.formAction} onSubmit={() => setLastForm('edit')} noValidate aria-label={`Edit topic ${t.name}`} className="space-y-3">
              {edit.formError && <Notice tone="error">{edit.formError}</Notice>}
              <input type="hidden" name="id" value={t.id} />
              <div className="grid gap-4 md:grid-cols-2">
                <Field label="Name" htmlFor={`${uid}-name`} errors={fe?.name}>
                  <Input name="name" autoComplete="off" maxLength={80} defaultValue={values?.name ?? t.name} />
                </Field>
                <Field label="Slug" htmlFor={`${uid}-slug`} hint="Programs that assign this topic use the slug: change it in both places." errors={fe?.slug}>
                  <Input name="slug" autoComplete="off" spellCheck={false} maxLength={64} className="font-mono" defaultValue={values?.slug ?? t.slug} />
                </Field>
                <Field label="Description (optional)" htmlFor={`${uid}-description`} errors={fe?.description} className="md:col-span-2">
                  <Textarea name="description" rows={2} maxLength={500} defaultValue={values?.description ?? t.description} />
                </Field>
              </div>
              <PublicCheckbox defaultChecked={values ? values.isPublic === 'on' : t.isPublic} />
              <SaveCancel onCancel={() => setEditing(false)} />
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
