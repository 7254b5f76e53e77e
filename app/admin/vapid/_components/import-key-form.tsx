'use client';
import { Checkbox, Field, Input, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { importVapidKeyAction } from '../actions';
import { KeyIdentityFields } from './key-fields';

/**
 * Bringing the key of a previous push setup keeps its subscriptions working. The private key is
 * sent once, stored encrypted, and never shown again: after an error it has to be pasted again.
 */
export function ImportKeyForm({ defaultSubject }: { defaultSubject: string }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(importVapidKeyAction);
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Import a key">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <KeyIdentityFields
        idPrefix="imp"
        nameHint="Only shown here, e.g. “Key from the old site”."
        defaultSubject={defaultSubject}
        fieldErrors={fe}
        values={values}
      />
      <Field label="Public key (optional)" htmlFor="imp-public" hint="When given, it is checked against the private key." errors={fe?.publicKey}>
        <Input name="publicKey" autoComplete="off" spellCheck={false} className="font-mono text-xs" defaultValue={values?.publicKey} />
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
        />
      </Field>
      <Checkbox name="activate" label="Make it active" defaultChecked={values?.activate === 'on'} />
      <div>
        <SubmitButton pendingText="Importing…">Import key</SubmitButton>
      </div>
    </form>
  );
}
