'use client';
import { useEffect, useRef, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { FieldError } from '@/components/ui/field-error';
import { Checkbox, Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { CopyButton } from '@/components/ui/copy-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { createApiKeyAction } from '../actions';

export type TopicOption = { id: string; name: string; slug: string; isPublic: boolean };

const SCOPES = [
  { value: 'send', label: 'send', hint: 'Send notifications and read the campaigns this key created.' },
  { value: 'manage', label: 'manage (topics and subscribers)', hint: 'Administer topics and subscribers through the API.' },
  { value: 'admin', label: 'admin (the installation’s projects)', hint: 'List and create projects through the API. Only owners can grant it.' },
] as const;

/**
 * Creates a key and shows it once. The plaintext exists only in this action's response and in
 * this component's state: a reload, or leaving the page, drops it for good.
 */
export function CreateApiKeyForm({ topics, minDate }: { topics: TopicOption[]; minDate: string }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(createApiKeyAction);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const created = state?.ok && state.data.key !== dismissed ? state.data : null;
  const checkedScopes = values ? (values.scopes ?? '').split(',') : ['send'];
  const checkedTopics = values ? (values.topicIds ?? '').split(',') : [];

  // Focus moves to the key so it is read out, and is in view after a long form.
  useEffect(() => {
    if (created) boxRef.current?.focus();
  }, [created]);

  return (
    <div className="space-y-4">
      {created && (
        <div
          ref={boxRef}
          tabIndex={-1}
          data-testid="new-api-key"
          aria-labelledby="new-api-key-title"
          role="region"
          className="space-y-3 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-300 ring-inset outline-none focus-visible:ring-2 focus-visible:ring-amber-500"
        >
          <div>
            <p id="new-api-key-title" className="text-sm font-semibold text-amber-900">
              “{created.name}” was created
            </p>
            <p className="mt-0.5 text-sm text-amber-900">
              <strong>Copy it now: it is not shown again.</strong> Pushdeck keeps only a hash; if it is lost, revoke it and create another.
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <code
              data-testid="new-api-key-value"
              className="block min-w-0 flex-1 rounded-md bg-white px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-amber-200 select-all"
            >
              {created.key}
            </code>
            <CopyButton text={created.key} label={`Copy the new key ${created.name}`} what="the key" />
          </div>
          <div>
            <Button variant="secondary" size="sm" onClick={() => setDismissed(created.key)}>
              I have stored it
            </Button>
          </div>
        </div>
      )}
      <form action={action} className="@container space-y-4" noValidate aria-label="Create an API key">
        {formError && <Notice tone="error">{formError}</Notice>}
        <div className="grid gap-4 @lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field label="Name" htmlFor="api-key-name" hint="Which program uses it, e.g. “Shop backend”." errors={fe?.name}>
            <Input name="name" autoComplete="off" maxLength={80} required defaultValue={values?.name} />
          </Field>
          <Field label="Expires (optional)" htmlFor="api-key-expires" hint="Stops working at the end of that day (UTC)." errors={fe?.expiresAt}>
            <Input name="expiresAt" type="date" min={minDate} defaultValue={values?.expiresAt} />
          </Field>
        </div>
        <fieldset className="space-y-2" aria-describedby={fe?.scopes ? 'api-key-scopes-error' : undefined}>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          <div className="grid gap-2 @lg:grid-cols-2">
            {SCOPES.map((s) => (
              <div key={s.value} className="rounded-md px-3 py-2 ring-1 ring-slate-200 ring-inset">
                <Checkbox
                  name="scopes"
                  value={s.value}
                  label={<span className="font-medium">{s.label}</span>}
                  defaultChecked={checkedScopes.includes(s.value)}
                />
                <p className="mt-0.5 pl-6 text-xs text-slate-500">{s.hint}</p>
              </div>
            ))}
          </div>
          <FieldError id="api-key-scopes" errors={fe?.scopes} />
        </fieldset>
        <fieldset className="space-y-2" aria-describedby={fe?.topicIds ? 'api-key-topics-error' : 'api-key-topics-hint'}>
          <legend className="text-sm font-medium text-slate-700">Topics it may send to</legend>
          <p id="api-key-topics-hint" className="text-xs text-slate-500">
            Tick none to allow any topic. A key limited to topics gets 403 for any other.
          </p>
          {topics.length === 0 ? (
            <p className="text-sm text-slate-500">There are no topics yet, so this key may send to any topic.</p>
          ) : (
            <div className="grid max-h-56 gap-x-4 gap-y-1.5 overflow-y-auto rounded-md px-3 py-2 ring-1 ring-slate-200 ring-inset @lg:grid-cols-2">
              {topics.map((t) => (
                <Checkbox
                  key={t.id}
                  name="topicIds"
                  value={t.id}
                  defaultChecked={checkedTopics.includes(t.id)}
                  className="min-w-0"
                  label={
                    <span className="flex min-w-0 flex-wrap items-center gap-x-1.5">
                      <span className="truncate">{t.name}</span>
                      <code className="font-mono text-xs text-slate-500">{t.slug}</code>
                      {!t.isPublic && <Badge className="px-1.5 py-0">Private</Badge>}
                    </span>
                  }
                />
              ))}
            </div>
          )}
          <FieldError id="api-key-topics" errors={fe?.topicIds} />
        </fieldset>
        <div>
          <SubmitButton pendingText="Creating…">Create key</SubmitButton>
        </div>
      </form>
    </div>
  );
}
