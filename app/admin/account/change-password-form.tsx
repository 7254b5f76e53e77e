'use client';
import { signOut } from 'next-auth/react';
import { useEffect } from 'react';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { changeOwnPasswordAction } from './actions';

export function ChangePasswordForm() {
  const { state, formAction: action, fieldErrors: fe, formError } = useActionForm(changeOwnPasswordAction);
  useEffect(() => {
    if (state?.ok) void signOut({ callbackUrl: '/login?reason=password-changed' });
  }, [state]);
  return (
    <form action={action} className="space-y-4" noValidate>
      {formError && <Notice tone="error">{formError}</Notice>}
      {state?.ok && <Notice tone="success">Password changed. Signing you out…</Notice>}
      <Field label="Current password" htmlFor="current" errors={fe?.current}>
        <Input name="current" type="password" autoComplete="current-password" />
      </Field>
      <Field label="New password" htmlFor="password" hint="At least 10 characters." errors={fe?.password}>
        <Input name="password" type="password" autoComplete="new-password" />
      </Field>
      <Field label="Repeat the new password" htmlFor="confirm" errors={fe?.confirm}>
        <Input name="confirm" type="password" autoComplete="new-password" />
      </Field>
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}
