'use client';
import { useActionState } from 'react';
import { Checkbox, Field, Input, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { importVapidKeyAction } from '../actions';
import { ContactHint, describedBy } from './contact-hint';

/**
 * Bringing the key of a previous push setup keeps its subscriptions working. The private key is
 * sent once, stored encrypted, and never shown again: after an error it has to be pasted again.
 */
export function ImportKeyForm({ defaultSubject }: { defaultSubject: string }) {
  const [state, action] = useActionState(importVapidKeyAction, null);
  const fe = state && !state.ok ? state.error.fieldErrors : undefined;
  const values = state && !state.ok ? state.error.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Import a key">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {state && !state.ok && !fe && <Notice tone="error">{state.error.message}</Notice>}
      <Field label="Name" htmlFor="imp-name" hint="Only shown here, e.g. “Key from the old site”." errors={fe?.name}>
        <Input
          id="imp-name"
          name="name"
          autoComplete="off"
          maxLength={80}
          defaultValue={values?.name}
          aria-invalid={!!fe?.name}
          aria-describedby={describedBy('imp-name', fe?.name)}
        />
      </Field>
      <Field label="Contact" htmlFor="imp-subject" hint={<ContactHint />} errors={fe?.subject}>
        <Input
          id="imp-subject"
          name="subject"
          autoComplete="off"
          spellCheck={false}
          placeholder="mailto:push@example.com"
          defaultValue={values?.subject ?? defaultSubject}
          aria-invalid={!!fe?.subject}
          aria-describedby={describedBy('imp-subject', fe?.subject)}
        />
      </Field>
      <Field label="Public key (optional)" htmlFor="imp-public" hint="When given, it is checked against the private key." errors={fe?.publicKey}>
        <Input
          id="imp-public"
          name="publicKey"
          autoComplete="off"
          spellCheck={false}
          className="font-mono text-xs"
          defaultValue={values?.publicKey}
          aria-invalid={!!fe?.publicKey}
          aria-describedby={describedBy('imp-public', fe?.publicKey)}
        />
      </Field>
      <Field
        label="Private key"
        htmlFor="imp-private"
        hint={
          <>
            The <code className="font-mono">Private Key</code> line printed by <code className="font-mono">npx web-push generate-vapid-keys</code> (43
            characters of base64url), or a PEM (<code className="font-mono">BEGIN PRIVATE KEY</code> or <code className="font-mono">BEGIN EC PRIVATE KEY</code>,
            P-256). It is stored encrypted and never shown again.
          </>
        }
        errors={fe?.privateKey}
      >
        <Textarea
          id="imp-private"
          name="privateKey"
          rows={3}
          required
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          data-1p-ignore
          data-lpignore="true"
          className="font-mono text-xs"
          aria-invalid={!!fe?.privateKey}
          aria-describedby={describedBy('imp-private', fe?.privateKey)}
        />
      </Field>
      <Checkbox name="activate" label="Make it active" defaultChecked={values?.activate === 'on'} />
      <div>
        <SubmitButton pendingText="Importing…">Import key</SubmitButton>
      </div>
    </form>
  );
}
