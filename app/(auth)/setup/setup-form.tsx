'use client';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { createOwnerAction } from './actions';

export function SetupForm() {
  const router = useRouter();
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(createOwnerAction);
  // React resets the form after the action; keep the password long enough to sign in with it.
  const typed = useRef('');

  useEffect(() => {
    if (!state?.ok) return;
    const password = typed.current;
    typed.current = '';
    void signIn('credentials', { redirect: false, email: state.data.email, password }).then((res) => {
      router.replace(res?.ok ? '/admin' : '/login');
      router.refresh();
    });
  }, [state, router]);

  return (
    <form
      action={action}
      onSubmit={(e) => {
        typed.current = String(new FormData(e.currentTarget).get('password') ?? '');
      }}
      className="mt-6 space-y-4"
      noValidate
    >
      {formError && <Notice tone="error">{formError}</Notice>}
      {state?.ok && <Notice tone="success">Owner account created. Signing you in…</Notice>}
      <Field label="Your name" htmlFor="name" errors={fe?.name}>
        <Input name="name" autoComplete="name" defaultValue={values?.name} />
      </Field>
      <Field label="E-mail" htmlFor="email" errors={fe?.email}>
        <Input name="email" type="email" autoComplete="username" required defaultValue={values?.email} />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters." errors={fe?.password}>
        <Input name="password" type="password" autoComplete="new-password" required />
      </Field>
      <Field label="Repeat the password" htmlFor="confirm" errors={fe?.confirm}>
        <Input name="confirm" type="password" autoComplete="new-password" required />
      </Field>
      <SubmitButton className="w-full" pendingText="Creating…">
        Create owner account
      </SubmitButton>
    </form>
  );
}
