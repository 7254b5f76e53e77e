'use client';
import { Field, Input, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { addTokenKeyAction } from '../actions';

/** Trusts a P-256 public key: tokens signed with its private half are accepted from then on. */
export function AddTokenKeyForm() {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(addTokenKeyAction);
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Add a verification key">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <Field label="Name" htmlFor="token-key-name" hint="Who signs with it, e.g. “Accounts service”." errors={fe?.name}>
        <Input name="name" autoComplete="off" maxLength={80} required defaultValue={values?.name} />
      </Field>
      <Field
        label="Public key"
        htmlFor="token-key-public"
        hint={
          <>
            A P-256 public key in PEM (<code className="font-mono">-----BEGIN PUBLIC KEY-----</code>), or the base64 of that PEM. Never paste the private key:
            it stays with the program that signs.
          </>
        }
        errors={fe?.publicKey}
      >
        <Textarea
          name="publicKey"
          rows={5}
          required
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
          className="font-mono text-xs"
          defaultValue={values?.publicKey}
        />
      </Field>
      <div>
        <SubmitButton pendingText="Adding…">Add key</SubmitButton>
      </div>
    </form>
  );
}
