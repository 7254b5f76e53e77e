'use client';
import { useActionState } from 'react';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { roleLabel, type Role } from '@/lib/auth/roles';
import { createUserAction } from '../actions';

export function CreateUserForm({ grantable }: { grantable: Role[] }) {
  const [state, action] = useActionState(createUserAction, null);
  const fe = state && !state.ok ? state.error.fieldErrors : undefined;
  const values = state && !state.ok ? state.error.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {state && !state.ok && !fe && <Notice tone="error">{state.error.message}</Notice>}
      <Field label="E-mail" htmlFor="new-email" errors={fe?.email}>
        <Input id="new-email" name="email" type="email" autoComplete="off" required defaultValue={values?.email} aria-invalid={!!fe?.email} />
      </Field>
      <Field label="Name" htmlFor="new-name" errors={fe?.name}>
        <Input id="new-name" name="name" autoComplete="off" defaultValue={values?.name} />
      </Field>
      <Field label="Initial password" htmlFor="new-password" hint="At least 10 characters." errors={fe?.password}>
        <Input id="new-password" name="password" type="password" autoComplete="new-password" required aria-invalid={!!fe?.password} />
      </Field>
      <Field label="Role" htmlFor="new-role" errors={fe?.role}>
        <Select id="new-role" name="role" defaultValue={values?.role ?? 'marketer'}>
          {grantable.map((r) => (
            <option key={r} value={r}>
              {roleLabel[r]}
            </option>
          ))}
        </Select>
      </Field>
      <SubmitButton pendingText="Adding…">Add user</SubmitButton>
    </form>
  );
}
