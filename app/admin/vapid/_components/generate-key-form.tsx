'use client';
import { useActionState } from 'react';
import { Checkbox, Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { generateVapidKeyAction } from '../actions';
import { ContactHint, describedBy } from './contact-hint';

export function GenerateKeyForm({ defaultSubject }: { defaultSubject: string }) {
  const [state, action] = useActionState(generateVapidKeyAction, null);
  const fe = state && !state.ok ? state.error.fieldErrors : undefined;
  const values = state && !state.ok ? state.error.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Generate a key">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {state && !state.ok && !fe && <Notice tone="error">{state.error.message}</Notice>}
      <Field label="Name" htmlFor="gen-name" hint="Only shown here, e.g. “2025 rotation”." errors={fe?.name}>
        <Input
          id="gen-name"
          name="name"
          autoComplete="off"
          maxLength={80}
          defaultValue={values?.name}
          aria-invalid={!!fe?.name}
          aria-describedby={describedBy('gen-name', fe?.name)}
        />
      </Field>
      <Field label="Contact" htmlFor="gen-subject" hint={<ContactHint />} errors={fe?.subject}>
        <Input
          id="gen-subject"
          name="subject"
          autoComplete="off"
          spellCheck={false}
          placeholder="mailto:push@example.com"
          defaultValue={values?.subject ?? defaultSubject}
          aria-invalid={!!fe?.subject}
          aria-describedby={describedBy('gen-subject', fe?.subject)}
        />
      </Field>
      <Checkbox name="activate" label="Make it the active key" defaultChecked={values?.activate === 'on'} />
      <div>
        <SubmitButton pendingText="Generating…">Generate key</SubmitButton>
      </div>
    </form>
  );
}
